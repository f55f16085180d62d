import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pdfText, readZip } from './support/read.js';

const BIN = path.resolve(import.meta.dirname, '..', 'bin', 'facteur.js');

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'facteur-cli-'));
});

afterEach(() => rm(dataDir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `facteur` as an operator would, in its own process, on a fresh data folder. */
async function facteur(args: string[], input?: string): Promise<Run> {
  const env = { ...process.env, FACTEUR_DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'production' };
  if (input === undefined) {
    const result = await promisify(execFile)(process.execPath, [BIN, ...args], { env }).catch((e: Run) => e);
    return { code: 'code' in result ? (result.code as number) : 0, stdout: result.stdout, stderr: result.stderr };
  }
  const child = spawn(process.execPath, [BIN, ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  child.stdin.end(input);
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  return { code, stdout, stderr };
}

describe('facteur ask', () => {
  it('writes invoice 1210 as a PDF that shows its number and amount', async () => {
    const out = path.join(dataDir, 'files');
    const run = await facteur(['ask', '--as', 'awa@example.cm', '--out', out, 'facture 1210']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(path.join(out, 'facture-1210.pdf'));
    const text = await pdfText(await readFile(path.join(out, 'facture-1210.pdf')));
    expect(text).toContain('1210');
    expect(text).toContain('89 438 FCFA');
  });

  it('writes one ZIP of all the customer’s invoices for "zip tout"', async () => {
    const out = path.join(dataDir, 'files');
    const run = await facteur(['ask', '--as', 'awa@example.cm', '--out', out, 'zip tout']);
    expect(run.code).toBe(0);
    const [zip] = await readdir(out);
    const entries = await readZip(path.join(out, zip!));
    expect(entries).toHaveLength(24);
    expect(entries.map((e) => e.name)).toContain('facture-1210.pdf');
    expect(entries.every((e) => e.bytes.subarray(0, 5).toString() === '%PDF-')).toBe(true);
  });

  it('writes the account statement for "relevé 2026": the unpaid invoice with the total due, and those paid in 2026', async () => {
    const out = path.join(dataDir, 'files');
    const run = await facteur(['ask', '--as', 'awa@example.cm', '--out', out, 'relevé 2026']);
    expect(run.code).toBe(0);
    const [file, ...others] = await readdir(out);
    expect([file, others]).toEqual([expect.stringMatching(/^releve-\d{4}-\d{2}-\d{2}\.pdf$/), []]);
    expect(run.stdout).toContain(path.join(out, file!));
    const bytes = await readFile(path.join(out, file!));
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(bytes);
    expect(text).toMatch(/^1266 17 janv\. 2026 17 févr\. 2026 \d+ 121 039 FCFA$/m);
    expect(text).toContain('Total dû 121 039 FCFA');
    expect(text).toContain('Factures payées du 1 janv. 2026 au 31 déc. 2026');
    expect([...text.matchAll(/^(\d{4}) /gm)].map((m) => m[1])).toEqual(['1266', '1270', '1273']);
  });

  it('writes an unpaid invoice’s pay link out under what it is, and none for a paid one', async () => {
    const PAY = 'https://paiement.hebergeur.example/facture/7300?jeton=a1b2c3d4e5f6a7b8c9d0';
    const file = path.join(dataDir, 'links.json');
    const invoice = (number: string, changes: Record<string, unknown>) => ({
      number,
      customer: 'awa@example.cm',
      issuedAt: '2026-11-01',
      dueAt: '2026-12-01',
      currency: 'XAF',
      lines: [{ label: 'Hébergement', quantity: 1, unitPrice: 15000 }],
      ...changes,
    });
    await writeFile(
      file,
      JSON.stringify([
        invoice('7300', { status: 'unpaid', payUrl: PAY }),
        invoice('7301', { status: 'paid', paidAt: '2026-11-02', payUrl: PAY.replace('7300', '7301') }),
      ]),
    );
    expect((await facteur(['import', file])).code).toBe(0);
    expect((await facteur(['ask', '--as', 'awa@example.cm', 'détails 7300'])).stdout).toContain(`Payer la facture 7300\n${PAY}\n`);
    const paid = await facteur(['ask', '--as', 'awa@example.cm', 'détails 7301']);
    expect(paid.stdout).toContain('Facture n° 7301');
    expect(paid.stdout).not.toContain('Payer la facture');
  });

  it('exits 1 when refused or not understood, and 2 on a usage error', async () => {
    expect((await facteur(['ask', '--as', 'paul@example.cm', 'facture 1210'])).code).toBe(1);
    expect((await facteur(['ask', '--as', 'paul@example.cm', 'blabla'])).code).toBe(1);
    expect((await facteur(['ask', '--as', 'nobody@example.cm', 'factures'])).code).toBe(1);
    expect((await facteur(['ask', 'factures'])).code).toBe(2);
  });

  it('never sends a terminal the escape sequences customer data or an argument hold', async () => {
    const db = path.join(dataDir, 'db.json');
    await facteur(['ask', '--as', 'awa@example.cm', 'aide']);
    const data = JSON.parse(await readFile(db, 'utf8')) as { customers: { name: string }[]; invoices: { number: string; lines: { label: string }[] }[] };
    data.invoices.find((invoice) => invoice.number === '1210')!.lines[0]!.label = 'Hébergement \u001b]0;pwned\u0007\u001b[2J\u202Eevil';
    await writeFile(db, JSON.stringify(data));
    const details = await facteur(['ask', '--as', 'awa@example.cm', 'détails 1210']);
    expect(details.code).toBe(0);
    expect(details.stdout).toContain('Hébergement \\u{1b}]0;pwned\\u{7}');
    const unknown = await facteur(['ask', '--as', '\u001b[31mnobody@example.cm', 'factures']);
    // eslint-disable-next-line no-control-regex -- the escape and bell a terminal would act on
    for (const text of [details.stdout, details.stderr, unknown.stdout, unknown.stderr]) expect(text).not.toMatch(/[\u001b\u0007\u202e]/);
  });

  it('ends with one clear line when --out cannot take the files', async () => {
    const file = path.join(dataDir, 'a-file');
    await writeFile(file, 'not a folder');
    const dangling = path.join(dataDir, 'dangling');
    await symlink(path.join(dataDir, 'nowhere', 'at-all'), dangling);
    for (const out of [file, dangling, '/dev/full']) {
      const run = await facteur(['ask', '--as', 'awa@example.cm', '--out', out, 'facture 1210']);
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(`cannot write`);
      expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('prints each command’s help', async () => {
    for (const command of ['ask', 'explain', 'import', 'start']) {
      const run = await facteur([command, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: facteur ${command}`);
    }
  });
});

describe('facteur explain', () => {
  it('shows support how a customer’s sentence was read: the typo, the period counted from the day given, the command', async () => {
    const run = await facteur(['explain', '--today', '2026-03-05', 'la factur du mois dernier en zip']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('factur(typo of facture)');
    expect(run.stdout).toMatch(/Period: +2026-02-01 to 2026-02-28/);
    expect(run.stdout).toMatch(/Zones: +own\(1 line\)/);
    expect(run.stdout).toContain('"intent":"zip"');
    expect(run.stdout).toMatch(/Language: +fr/);
  });

  it('exits 1 on a sentence it does not understand and 2 on a day that is not one, without touching the data folder', async () => {
    const vague = await facteur(['explain', 'azerty qsdf']);
    expect(vague.code).toBe(1);
    expect(vague.stdout).toContain('not understood');
    const badDay = await facteur(['explain', '--today', '2026-02-30', 'factures']);
    expect(badDay.code).toBe(2);
    expect(badDay.stderr).toContain('2026-02-30');
    expect(await readdir(dataDir)).toEqual([]);
  });
});

describe('start-up', () => {
  it('refuses a corrupt db.json with a message naming it, and leaves it untouched', async () => {
    const db = path.join(dataDir, 'db.json');
    await writeFile(db, '{ not json');
    const before = await stat(db);
    const run = await facteur(['ask', '--as', 'awa@example.cm', 'factures']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(db);
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(await readFile(db, 'utf8')).toBe('{ not json');
    expect((await stat(db)).mtimeMs).toBe(before.mtimeMs);
  });

  it('stops with a clear message, and nothing left running, when Discord cannot be reached', async () => {
    const env = {
      ...process.env,
      FACTEUR_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      DISCORD_TOKEN: 'abc.def.ghi',
      DISCORD_APP_ID: '123456789012345678',
      DISCORD_API_URL: 'http://127.0.0.1:9/api',
    };
    const run = await promisify(execFile)(process.execPath, [BIN, 'start'], { env, timeout: 20_000 }).catch((e: Run & { killed?: boolean }) => e);
    expect('killed' in run && run.killed).toBe(false);
    expect(run.stderr).toContain('Discord could not be reached at http://127.0.0.1:9/api');
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('names a template file an operator broke, and what is wrong with it', async () => {
    const templates = path.join(dataDir, 'templates');
    await cp(path.resolve(import.meta.dirname, '..', 'templates'), templates, { recursive: true });
    const breaks: [string, (good: string) => string, string][] = [
      ['messages/fr.json', (good) => good.replace(/}\s*$/, ',}'), 'JSON'],
      ['invoice/provider.json', (good) => good.replace(/}\s*$/, ',}'), 'JSON'],
      // A message whose plural lost its closing brace.
      ['messages/en.json', (good) => good.replace('{# invoices found}}.', '{# invoices found}.'), '"list.count"'],
    ];
    for (const [file, breakIt, what] of breaks) {
      const broken = path.join(templates, file);
      const good = await readFile(broken, 'utf8');
      expect(breakIt(good)).not.toBe(good);
      await writeFile(broken, breakIt(good));
      const env = { ...process.env, FACTEUR_DATA_DIR: dataDir, FACTEUR_TEMPLATES_DIR: templates, LOG_LEVEL: 'silent' };
      const run = await promisify(execFile)(process.execPath, [BIN, 'ask', '--as', 'awa@example.cm', 'factures'], { env }).then(
        () => ({ code: 0, stderr: '' }),
        (e: Run) => e,
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(broken);
      expect(run.stderr).toContain(what);
      expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
      await writeFile(broken, good);
    }
  });

  it('facteur start stops at once on a mail layout an operator broke, naming the file and what is wrong, before any mail is due', async () => {
    const templates = path.join(dataDir, 'templates');
    await cp(path.resolve(import.meta.dirname, '..', 'templates'), templates, { recursive: true });
    const layout = path.join(templates, 'mail', 'layout.mjml');
    const good = await readFile(layout, 'utf8');
    const breaks: [string, string][] = [
      // An MJML tag misspelt.
      [good.replace('<mj-text color="{{@root.brand.muted}}" padding="14px 20px 6px">{{signature}}</mj-text>', '<mj-txt>{{signature}}</mj-txt>'), 'mj-txt'],
      // A Handlebars block closed by the wrong name, which Handlebars itself reports only when a mail is filled.
      [
        good.replace(
          '{{#each paragraph.lines}}{{this}}{{#unless @last}}<br>{{/unless}}{{/each}}',
          '{{#each paragraph.lines}}{{this}}{{#unless @last}}<br>{{/each}}{{/unless}}',
        ),
        "unless doesn't match each",
      ],
    ];
    for (const [broken, what] of breaks) {
      expect(broken).not.toBe(good);
      await writeFile(layout, broken);
      const env = { ...process.env, FACTEUR_DATA_DIR: dataDir, FACTEUR_TEMPLATES_DIR: templates, LOG_LEVEL: 'silent' };
      const run = await promisify(execFile)(process.execPath, [BIN, 'start'], { env, timeout: 20_000 }).then(
        () => ({ code: 0, stderr: '' }),
        (e: Run) => e,
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(layout);
      expect(run.stderr).toContain(what);
      expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
    }
    const env = { ...process.env, FACTEUR_DATA_DIR: dataDir, FACTEUR_TEMPLATES_DIR: templates, LOG_LEVEL: 'silent' };
    const started = () =>
      promisify(execFile)(process.execPath, [BIN, 'start'], { env, timeout: 20_000 }).then(
        () => ({ code: 0, stderr: '' }),
        (e: Run) => e,
      );
    // The logo the mails show, an SVG cut short.
    await writeFile(layout, good);
    const logo = path.join(templates, 'invoice', 'logo.svg');
    await writeFile(logo, (await readFile(logo, 'utf8')).slice(0, 120));
    const badLogo = await started();
    expect(badLogo.code).toBe(1);
    expect(badLogo.stderr).toContain(path.join(templates, 'invoice', 'provider.json'));
    expect(badLogo.stderr).toContain('logo');
    expect(badLogo.stderr).not.toMatch(/at .*\.[jt]s:\d+/);
    await rm(layout);
    const missing = await started();
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(layout);
    expect(missing.stderr).not.toMatch(/at .*\.[jt]s:\d+/);
  });

  it('names every bad setting', async () => {
    const env = { ...process.env, FACTEUR_DATA_DIR: dataDir, FACTEUR_PAGE_SIZE: 'many', LOG_LEVEL: 'loud' };
    const run = await promisify(execFile)(process.execPath, [BIN, 'ask', '--as', 'awa@example.cm', 'factures'], { env }).catch((e: Run) => e);
    expect(run.stderr).toContain('FACTEUR_PAGE_SIZE');
    expect(run.stderr).toContain('LOG_LEVEL');
  });
});

describe('facteur import', () => {
  it('imports the good rows, reports the bad ones, and the assistant then serves them', async () => {
    const file = path.join(dataDir, 'export.csv');
    await writeFile(
      file,
      [
        'number,customer,issuedAt,dueAt,currency,label,quantity,unitPrice,status',
        '5001,kotto@example.cm,2026-10-01,2026-10-31,XAF,Hébergement Pro,1,120000,unpaid',
        '5001,kotto@example.cm,2026-10-01,2026-10-31,XAF,Nom de domaine,1,15000,unpaid',
        '5002,kotto@example.cm,2026-02-30,2026-03-31,XAF,Hébergement Pro,1,120000,unpaid',
        '5003,kotto@example.cm,2026-10-01,2026-10-31,XAF,Remise,1,-5000,unpaid',
      ].join('\n'),
    );
    const run = await facteur(['import', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/1 created/);
    expect(run.stdout).toMatch(/2 rejected/);
    expect(run.stdout).toContain('5002');
    expect(run.stdout).toContain('5003');
    const ask = await facteur(['ask', '--as', 'kotto@example.cm', 'factures']);
    expect(ask.stdout).toContain('5001');
    expect(ask.stdout).toMatch(/135.000.FCFA/u);
  });

  it('says why a file cannot be read', async () => {
    const run = await facteur(['import', path.join(dataDir, 'missing.json')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('missing.json');
  });
});

describe('one process per data folder', () => {
  it('refuses a second writer while facteur start runs (an import goes through it), lets it read the log, and frees the folder when it stops', async () => {
    const env = { ...process.env, FACTEUR_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    const running = spawn(process.execPath, [BIN, 'start'], { env });
    let output = '';
    running.stdout.on('data', (chunk: Buffer) => (output += chunk));
    await new Promise<void>((resolve) => running.stdout.on('data', () => output.includes('> ') && resolve()));

    const file = path.join(dataDir, 'export.json');
    await writeFile(
      file,
      JSON.stringify([
        {
          number: '5100',
          customer: 'kotto@example.cm',
          issuedAt: '2026-11-01',
          dueAt: '2026-12-01',
          currency: 'XAF',
          lines: [{ label: 'Hébergement', quantity: 1, unitPrice: 1000 }],
          status: 'unpaid',
        },
      ]),
    );
    const throughService = await facteur(['import', file]);
    expect(throughService.code).toBe(0);
    expect(throughService.stdout).toMatch(/1 created/);
    const refused = await facteur(['resend', '1210']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`in use by another Facteur process (pid ${running.pid})`);
    expect((await facteur(['deliveries'])).code).toBe(0);

    running.stdin.end(':quit\n');
    await new Promise((resolve) => running.once('close', resolve));
    const imported = await facteur(['import', file]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/0 created, 0 updated, 1 unchanged/);
  });
});

describe('the console chat', () => {
  it('speaks as the demo customer, answers, saves files and switches customer', async () => {
    const run = await facteur(['start'], 'factures\nfacture 1210\n:as paul@example.cm\nfacture 1210\n:quit\n');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Awa Nkolo (awa@example.cm)');
    expect(run.stdout).toMatch(/1273 +121.039.FCFA/u);
    expect(run.stdout).toContain(path.join(dataDir, 'out', 'facture-1210.pdf'));
    expect(run.stdout).toContain('Paul Mbarga (paul@example.cm)');
    expect(run.stdout).toContain('Je ne trouve pas de facture n° 1210');
  });
});

describe('what a command loads', () => {
  /** The packages (node_modules' folders) that `facteur ARGS` loads, recorded by a module loader hook and the CommonJS cache. */
  async function packagesLoaded(args: string[]): Promise<Set<string>> {
    const record = path.join(dataDir, 'loaded.txt');
    await writeFile(
      path.join(dataDir, 'hooks.mjs'),
      `import { appendFileSync } from 'node:fs';
      export async function load(url, context, next) { appendFileSync(${JSON.stringify(record)}, url + '\\n'); return next(url, context); }`,
    );
    // The main thread's only: what a short-lived thread loads (the mail layout's MJML) goes with it.
    await writeFile(
      path.join(dataDir, 'record.mjs'),
      `import { appendFileSync } from 'node:fs'; import { createRequire, register } from 'node:module'; import { isMainThread } from 'node:worker_threads';
      if (isMainThread) register('./hooks.mjs', import.meta.url);
      if (isMainThread) process.on('exit', () => appendFileSync(${JSON.stringify(record)}, Object.keys(createRequire(import.meta.url).cache).join('\\n')));`,
    );
    await writeFile(record, '');
    const env = { ...process.env, FACTEUR_DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'production' };
    const running = promisify(execFile)(process.execPath, ['--import', pathToFileURL(path.join(dataDir, 'record.mjs')).href, BIN, ...args], {
      env: { ...env, HTTP_PORT: '0' },
    });
    running.child.stdin?.end();
    await running;
    const loaded = (await readFile(record, 'utf8')).split('\n');
    return new Set(loaded.flatMap((file) => [...file.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].map((match) => match[1]!).slice(-1)));
  }

  it('loads no library for the usage, and none of the channels, PDF, ZIP or database libraries to answer one question', async () => {
    expect([...(await packagesLoaded(['--help']))]).toEqual([]);
    const ask = await packagesLoaded(['ask', '--as', 'awa@example.cm', 'factures']);
    expect(ask).toContain('chrono-node');
    for (const unused of [
      'discord.js',
      'imapflow',
      'mailparser',
      'nodemailer',
      'mjml',
      'handlebars',
      '@resvg/resvg-js',
      'pdfmake',
      'archiver',
      'kysely',
      'pg',
      'csv-parse',
    ])
      expect(ask).not.toContain(unused);
  });

  it('keeps out of the service at rest what it does not use yet: MJML and resvg (on a thread that ends), imapflow without IMAP, the inbox\u2019s readers until a mail comes', async () => {
    const start = await packagesLoaded(['start']);
    expect(start).toContain('handlebars');
    expect(start).toContain('fastify');
    for (const unused of ['mjml', '@resvg/resvg-js', 'imapflow', 'mailparser', 'parse5', 'css-tree', 'discord.js', 'pdfmake', 'archiver', 'pg'])
      expect(start).not.toContain(unused);
  });
});

describe('the build', () => {
  it('is run only when dist/ holds every source file compiled since it last changed, or says what to run', async () => {
    // bin/facteur.js in a package of its own, with one source file beside main.ts.
    const root = path.join(dataDir, 'package');
    await mkdir(path.join(root, 'src', 'cli'), { recursive: true });
    await cp(BIN, path.join(root, 'bin', 'facteur.js'));
    await writeFile(path.join(root, 'package.json'), '{ "type": "module" }');
    await writeFile(path.join(root, 'src', 'main.ts'), '');
    await writeFile(path.join(root, 'src', 'cli', 'usage.ts'), '');
    const bin = (): Promise<Run> =>
      promisify(execFile)(process.execPath, [path.join(root, 'bin', 'facteur.js'), '--help']).then(
        (r) => ({ code: 0, ...r }),
        (e: Run) => e,
      );

    const none = await bin();
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(`facteur: there is no build (dist/): run \`npm run build\` in ${root} first\n`);

    await mkdir(path.join(root, 'dist', 'cli'), { recursive: true });
    await writeFile(path.join(root, 'dist', 'main.js'), "console.log('built');");
    expect((await bin()).stderr).toContain('dist/ lacks cli/usage.js: run `npm run build`');

    await writeFile(path.join(root, 'dist', 'cli', 'usage.js'), '');
    const edited = new Date(Date.now() + 60_000);
    await utimes(path.join(root, 'src', 'cli', 'usage.ts'), edited, edited);
    const stale = await bin();
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('src/cli/usage.ts changed since the last build: run `npm run build`');

    await utimes(path.join(root, 'dist', 'cli', 'usage.js'), edited, edited);
    expect(await bin()).toMatchObject({ code: 0, stdout: 'built\n', stderr: '' });
  });
});
