import { fileURLToPath } from 'node:url';

/**
 * The module a worker thread of this folder runs, `name` without its extension: the `.js`
 * beside the caller when Facteur runs compiled (dist/). Run from its TypeScript sources (the
 * tests, tsx), the caller is a .ts file, and worker threads start without the tsx loader of the
 * main thread: on Node 20 neither tsx's `register()` nor its command-line flags reach them. So
 * there each starts from a two-statement module, which registers tsx and loads the .ts file.
 */
export function workerModule(name: string, caller: string): URL {
  if (!caller.endsWith('.ts')) return new URL(`./${name}.js`, caller);
  const source = new URL(`./${name}.ts`, caller).href;
  return new URL(
    'data:text/javascript,' +
      encodeURIComponent(
        `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(source)});`,
      ),
  );
}

/**
 * The same for a child process (`fork`): the module's file, and the flags its Node needs to
 * load it: none for the compiled `.js`, tsx's loader for a `.ts` one. The caller's own flags are
 * not passed on.
 */
export function processModule(name: string, caller: string): { file: string; execArgv: string[] } {
  if (!caller.endsWith('.ts')) return { file: fileURLToPath(new URL(`./${name}.js`, caller)), execArgv: [] };
  return { file: fileURLToPath(new URL(`./${name}.ts`, caller)), execArgv: ['--import', import.meta.resolve('tsx')] };
}
