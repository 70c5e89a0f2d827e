// Runs one of the product's entry points (worker/main.ts, slack/main.ts, sandbox/main.ts, ...) as a
// real process, the way a person or the Procfile starts it, and collects what it prints.
import { spawn, type ChildProcess } from "node:child_process";

const root = new URL("../../", import.meta.url).pathname;

export interface EntryProcess {
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr interleaved. */
  output: () => string;
  exited: Promise<number | null>;
  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first. */
  waitFor: (pattern: RegExp) => Promise<RegExpExecArray>;
}

export function startEntry(entry: string, env: Record<string, string>): EntryProcess {
  // Node with tsx's loader, not the tsx CLI: the CLI is a second process that relays signals and
  // SIGKILLs the entry (exit 130) when the entry takes over 30 ms to acknowledge one, as on a busy machine.
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: root,
    // A clean environment: only what the test gives (plus PATH/HOME for node itself).
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setInterval(() => {
        const match = pattern.exec(output);
        if (match) {
          clearInterval(timer);
          resolve(match);
        }
      }, 50);
      void exited.then(() => {
        clearInterval(timer);
        reject(new Error(`${entry} exited before printing ${pattern}:\n${output}`));
      });
    });
  return { child, output: () => output, exited, waitFor };
}
