import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The folder Facteur is installed in, so that `npx facteur` finds its templates from anywhere. */
export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

const schema = z.object({
  FACTEUR_DATA_DIR: z.string().min(1).default('./data'),
  FACTEUR_TEMPLATES_DIR: z.string().min(1).default(path.join(PACKAGE_DIR, 'templates')),
  FACTEUR_DEMO: flag.default(true),
  FACTEUR_CONSOLE_AS: z.email().default('awa@example.cm'),
  FACTEUR_PAGE_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  MAIL_FROM: z.string().min(3).default('Facteur <facturation@facteur.example>'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = {
  dataDir: string;
  templatesDir: string;
  demo: boolean;
  consoleAs: string;
  pageSize: number;
  mailFrom: string;
  logLevel: string;
};

/** A configuration that cannot be used; the message names every bad variable and why. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads the settings from the environment, after a `.env` file in the working directory
 * when there is one (variables already set win). Every problem is reported at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, envFile = '.env'): Config {
  if (env === process.env && existsSync(envFile)) process.loadEnvFile(envFile);
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Bad configuration:\n${problems.join('\n')}\nSee .env.example for every setting.`);
  }
  const c = parsed.data;
  return {
    dataDir: path.resolve(c.FACTEUR_DATA_DIR),
    templatesDir: path.resolve(c.FACTEUR_TEMPLATES_DIR),
    demo: c.FACTEUR_DEMO,
    consoleAs: c.FACTEUR_CONSOLE_AS.toLowerCase(),
    pageSize: c.FACTEUR_PAGE_SIZE,
    mailFrom: c.MAIL_FROM,
    logLevel: c.LOG_LEVEL,
  };
}
