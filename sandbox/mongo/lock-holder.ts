// Whether the process named in a data directory's lock file still holds it. A killed server can
// linger as a zombie (its pid taken until a late init reaps it), and after a restart of the machine
// or container its pid may belong to an unrelated process: neither holds the data any more.
import fs from "node:fs";

/** Linux /proc/<pid>/stat: state (field 3) and start time in clock ticks since boot (field 22). */
function procStat(pid: number): { state: string; startTime: string } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may itself contain spaces or parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0] ?? "", startTime: fields[19] ?? "" };
  } catch {
    return undefined;
  }
}

/** What a lock file records about its holder: "<pid> <start time>" (the start time where /proc has it). */
export function lockOwnerLine(pid = process.pid): string {
  const startTime = procStat(pid)?.startTime;
  return startTime ? `${pid} ${startTime}` : String(pid);
}

/** Parses a lock file's text into the holder's pid and start time. */
export function parseLockOwner(text: string): { pid: number; startTime?: string } {
  const [pid, startTime] = text.trim().split(/\s+/);
  return { pid: Number(pid), ...(startTime ? { startTime } : {}) };
}

/** True while `pid` is a live process that is the one that wrote the lock. */
export function lockHolderIsRunning(owner: { pid: number; startTime?: string }): boolean {
  const { pid } = owner;
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch {
    // Gone (ESRCH), or another user's process (EPERM): not a server of ours on our data directory.
    return false;
  }
  const stat = procStat(pid);
  if (!stat) return true; // no /proc (not Linux): a live pid is all we can know
  if (stat.state === "Z" || stat.state === "X") return false;
  // The pid was reused by a process that started later than the lock's writer.
  if (owner.startTime !== undefined && stat.startTime !== owner.startTime) return false;
  return true;
}
