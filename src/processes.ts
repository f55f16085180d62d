/** Whether a process of this id is alive: `kill(pid, 0)` delivers nothing, and EPERM means alive under another user. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
