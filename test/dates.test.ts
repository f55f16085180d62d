import { describe, expect, it } from 'vitest';
import { dayIn } from '../src/billing/dates.js';

describe('the day of an instant', () => {
  it('is the day in the provider’s time zone, not in UTC', () => {
    expect(dayIn(new Date('2026-11-30T23:30:00Z'), 'Africa/Douala')).toBe('2026-12-01');
    expect(dayIn(new Date('2026-11-30T22:30:00Z'), 'Africa/Douala')).toBe('2026-11-30');
    expect(dayIn(new Date('2026-01-01T02:00:00Z'), 'America/New_York')).toBe('2025-12-31');
  });
});
