import { readFileSync } from "node:fs";

// Exits with the parent: when `npm run engine` is stopped (even with SIGKILL) the engine must not
// outlive it holding its port. npm starts scripts through `sh -c`, and the shell stays between npm
// and us, so when our parent is a shell we also watch the shell's own parent (npm).

const SHELLS = new Set(["sh", "dash", "bash", "zsh", "ash", "ksh"]);

/** Parent pid and command name of a process (Linux /proc), or undefined when it is gone. */
export function processInfo(pid: number): { ppid: number; comm: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const ppid = Number(stat.slice(close + 2).split(" ")[1]);
    return Number.isInteger(ppid) ? { ppid, comm } : undefined;
  } catch {
    return undefined;
  }
}

/** A link of the chain that started us: `pid` must stay alive with `ppid` as its parent. */
export interface Link {
  pid: number;
  ppid: number;
}

/** The links to watch: us under our parent, and a wrapping shell under whoever started it. */
export function linksToWatch(
  self: Link,
  info: (pid: number) => { ppid: number; comm: string } | undefined,
): Link[] {
  const links = [self];
  const parent = info(self.ppid);
  if (parent && SHELLS.has(parent.comm) && parent.ppid > 1) links.push({ pid: self.ppid, ppid: parent.ppid });
  return links;
}

/** True when a link broke: its process is gone or was re-parented (its parent died). */
export function chainBroken(
  links: Link[],
  info: (pid: number) => { ppid: number } | undefined,
  selfPid: number,
  selfPpid: number,
): boolean {
  return links.some((link) => {
    const ppid = link.pid === selfPid ? selfPpid : info(link.pid)?.ppid;
    return ppid !== link.ppid;
  });
}

/** Polls every `intervalMs` and calls `onGone` once when the process (chain) that started us died. */
export function watchParent(onGone: () => void, intervalMs = 1000): () => void {
  const self = { pid: process.pid, ppid: process.ppid };
  if (self.ppid <= 1) return () => {}; // started by init (a container's PID 1): nothing to watch
  const links = linksToWatch(self, processInfo);
  const timer = setInterval(() => {
    if (!chainBroken(links, processInfo, process.pid, process.ppid)) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
