/**
 * Whether a lock's holder still runs. Shared by the case lock and the SAS rotation lock, which
 * both take over a lock only when its pid is gone.
 */

/** Whether a pid on this host is running (EPERM: it runs as another user, so it is alive). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
