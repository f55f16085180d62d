import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The demo data runs up to a fixed day, so that what the tests expect of it (Awa's
    // newest invoice, page counts) does not change with the calendar. Processes the tests
    // start inherit it, and each `facteur start` they run takes a free port for HTTP, as
    // several run at once. Reminders, which would depend on the hour a test runs at, are off
    // but where a test turns them on (test/reminders.test.ts).
    env: { FACTEUR_DEMO: 'true', FACTEUR_DEMO_UNTIL: '2026-11-25', HTTP_PORT: '0', REMINDERS_ENABLED: 'false' },
  },
});
