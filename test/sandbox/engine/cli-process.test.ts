import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

// `npm run engine` as people run it: settings from the validated config, and the engine goes away
// with npm (no orphan holding the port), however npm is stopped.
const repoRoot = join(import.meta.dirname, "../../..");
let dataDir: string;
const started: ChildProcess[] = [];
const enginePids: number[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "engine-npm-"));
});

afterAll(async () => {
  for (const child of started) if (child.exitCode === null) child.kill("SIGKILL");
  // an engine that outlived its npm (the failure these tests look for) must not outlive the test
  for (const pid of enginePids) if (alive(pid)) process.kill(pid, "SIGKILL");
  await rm(dataDir, { recursive: true, force: true });
});

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ["MONGODB_URI", "INNGEST_SIGNING_KEY", "INNGEST_EVENT_KEY", "NODE_ENV"])
    delete env[name];
  for (const name of Object.keys(env)) if (name.startsWith("INNGEST_ENGINE_")) delete env[name];
  return { ...env, ...extra };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer()
      .once("error", () => resolve(false))
      .listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts `npm run engine -- <args>` and waits for the banner: the engine's pid and port. */
async function npmRunEngine(args: string[], env: NodeJS.ProcessEnv) {
  const npm = spawn("npm", ["run", "--silent", "engine", "--", "--data-dir", dataDir, "--quiet", ...args], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(npm);
  let output = "";
  npm.stdout?.on("data", (b: Buffer) => (output += b.toString()));
  npm.stderr?.on("data", (b: Buffer) => (output += b.toString()));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const m = /listening on http:\/\/127\.0\.0\.1:(\d+) \(pid (\d+)\)/.exec(output);
    if (m) {
      enginePids.push(Number(m[2]));
      return { npm, port: Number(m[1]), pid: Number(m[2]), output: () => output };
    }
    if (npm.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`engine did not start:\n${output}`);
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe("npm run engine", () => {
  test(
    "takes its port from INNGEST_ENGINE_PORT and stops when npm is stopped with SIGTERM",
    { timeout: 60_000 },
    async () => {
      const wanted = await freePort();
      const engine = await npmRunEngine([], cleanEnv({ INNGEST_ENGINE_PORT: String(wanted) }));
      expect(engine.port).toBe(wanted);
      expect((await fetch(`http://127.0.0.1:${engine.port}/clock`)).ok).toBe(true);
      engine.npm.kill("SIGTERM");
      expect(await until(() => !alive(engine.pid))).toBe(true);
      expect(await portIsFree(engine.port)).toBe(true);
    },
  );

  test(
    "stops when npm is killed with SIGKILL (no orphan holding the port)",
    { timeout: 60_000 },
    async () => {
      const engine = await npmRunEngine(["--port", "0"], cleanEnv());
      expect(engine.pid).not.toBe(engine.npm.pid);
      engine.npm.kill("SIGKILL");
      expect(await until(() => !alive(engine.pid))).toBe(true);
      expect(await portIsFree(engine.port)).toBe(true);
    },
  );
});

describe("engine configuration", () => {
  test("a bad setting stops it with one message naming the variable, without a stack trace", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "sandbox/engine/cli.ts"], {
      cwd: repoRoot,
      env: cleanEnv({ INNGEST_ENGINE_PORT: "eighty", INNGEST_SIGNING_KEY: "not-hex" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    started.push(child);
    let stderr = "";
    child.stderr?.on("data", (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(2);
    expect(stderr).toContain("Invalid configuration (2 problems)");
    expect(stderr).toContain("INNGEST_ENGINE_PORT: must be a whole number");
    expect(stderr).toContain("INNGEST_SIGNING_KEY:");
    expect(stderr).not.toContain("not-hex");
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
