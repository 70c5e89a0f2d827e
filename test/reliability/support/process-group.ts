// A process of ours (an entry point run by Node with tsx's loader) in a process group of its own, as
// a terminal or a process manager runs it, so a fault test can `kill -9` the whole group at once:
// the process and every child it started (an embedded MongoDB, say), none given time to clean up.
import { spawn, type ChildProcess } from "node:child_process";

const root = new URL("../../../", import.meta.url).pathname;

export interface GroupProcess {
  child: ChildProcess;
  /** The first match of the ready pattern in what it printed. */
  ready: RegExpExecArray;
  /** Everything printed so far, stdout and stderr interleaved. */
  output: () => string;
  /** kill -9 of the whole process group; resolves once the process is gone. */
  killGroup(): Promise<void>;
  /** SIGTERM to the process (a clean stop); resolves once it is gone. */
  stop(): Promise<void>;
}

const started = new Set<ChildProcess>();

/** kill -9 of every group started here that is still there (for afterAll). */
export function killAllGroups(): void {
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
  }
  started.clear();
}

/** Starts `node --import tsx <entry> ...args` from the repository root; resolves once it prints `ready`. */
export async function startGroup(
  entry: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 90_000,
): Promise<GroupProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
    cwd: root,
    detached: true,
    // A clean environment: only what the test gives (plus PATH/HOME for node itself).
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.add(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const end = async (signal: "SIGKILL" | "SIGTERM") => {
    if (!gone()) {
      if (signal === "SIGKILL") process.kill(-child.pid!, "SIGKILL");
      else child.kill("SIGTERM");
    }
    await exited;
    started.delete(child);
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone()) {
    const match = ready.exec(output);
    if (match) {
      return {
        child,
        ready: match,
        output: () => output,
        killGroup: () => end("SIGKILL"),
        stop: () => end("SIGTERM"),
      };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await end("SIGKILL");
  throw new Error(`${entry} did not print ${ready}:\n${output}`);
}
