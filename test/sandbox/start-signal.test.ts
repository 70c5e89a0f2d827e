// `npm start` stops with npm: a SIGTERM to npm (a process manager, a terminal closing) leaves none of
// the processes it started running, whatever sits between npm and the sandbox.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url).pathname;
const dataDir = mkdtempSync(path.join(tmpdir(), "sandbox-signal-"));
const started: number[] = [];
afterAll(() => {
  for (const pid of started) if (alive(pid)) process.kill(pid, "SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    // A zombie has exited; only its parent has not read its status yet.
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Every process below `pid`, children first found first. */
function descendants(pid: number): number[] {
  const all = readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const child of all) {
      if (parentOf(child) === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

describe("npm start and SIGTERM", () => {
  it("a SIGTERM to npm stops every process npm start started", async () => {
    const npm = spawn("npm", ["start"], {
      cwd: root,
      env: {
        PATH: process.env["PATH"] ?? "",
        HOME: process.env["HOME"] ?? "",
        SANDBOX_DATA_DIR: dataDir,
        PORT: "0",
        WORKER_PORT: "0",
        SANDBOX_PORT: "0",
        INNGEST_ENGINE_PORT: "0",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    npm.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const npmExited = new Promise<void>((resolve) => npm.on("exit", () => resolve()));
    try {
      await expect.poll(() => output, { timeout: 60_000, interval: 100 }).toMatch(/Sandbox ready: http/);
      const tree = descendants(npm.pid!);
      started.push(...tree);
      // npm's shell, and node running sandbox/main.ts below it.
      expect(
        tree.some((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("sandbox/main.ts")),
      ).toBe(true);

      npm.kill("SIGTERM");
      await npmExited;
      await expect.poll(() => tree.filter(alive), { timeout: 30_000, interval: 200 }).toEqual([]);
    } finally {
      if (npm.exitCode === null) npm.kill("SIGKILL");
    }
  }, 120_000);
});
