import path from 'node:path';

/** Whether `file` is `dir` or lies under it, once both are resolved (`..` cannot climb out). */
export function isInside(dir: string, file: string): boolean {
  const relative = path.relative(path.resolve(dir), path.resolve(file));
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}
