// The sandbox page's server as the one address: /healthz, the engine's clock and runs; and what a
// person keeps after `kill -9` of the whole sandbox: the customer's chat on the simulated phone, the
// engine's pending timer, and a start that comes up at once even though a zombie holds the old lock.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { closeServer, listen } from "../../shared/http/index.js";

const root = new URL("../../", import.meta.url).pathname;
const dataDir = mkdtempSync(path.join(tmpdir(), "sandbox-page-restart-"));
const running = new Set<ChildProcess>();
afterAll(() => {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
  }
  rmSync(dataDir, { recursive: true, force: true });
});

interface Sandbox {
  url: string;
  child: ChildProcess;
  output: () => string;
}

/** npm start in its own process group (as a terminal runs it), only SANDBOX_PORT and the data dir set. */
async function startSandbox(): Promise<Sandbox> {
  const child = spawn(process.execPath, ["--import", "tsx", "sandbox/main.ts"], {
    cwd: root,
    detached: true,
    env: {
      PATH: process.env["PATH"] ?? "",
      HOME: process.env["HOME"] ?? "",
      SANDBOX_DATA_DIR: dataDir,
      SANDBOX_PORT: "0",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  for (let i = 0; i < 600; i++) {
    const match = /Sandbox ready: (http:\/\/\S+?)\/?\s/.exec(output);
    if (match) return { url: match[1]!, child, output: () => output };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the sandbox did not start:\n${output}`);
}

async function killGroup(sandbox: Sandbox): Promise<void> {
  const exited = new Promise((resolve) => sandbox.child.once("exit", resolve));
  process.kill(-sandbox.child.pid!, "SIGKILL");
  await exited;
}

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A pid that is a zombie: `sh` starts a short sleep in the background and becomes a long one, which never reaps it. */
async function zombiePid(): Promise<{ pid: number; parent: ChildProcess }> {
  const parent = spawn("sh", ["-c", "sleep 0.2 & echo $!; exec sleep 60"], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  const pid = await new Promise<number>((resolve) =>
    parent.stdout!.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
  );
  await until(async () => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z") ? true : undefined;
    } catch {
      return undefined;
    }
  }, "the zombie");
  return { pid, parent };
}

type Chat = { messages: { direction: string; text: string }[] };
type Runs = { runs: { functionId: string; status: string; until?: string }[] };

describe("the sandbox page's server and a kill -9", () => {
  it("answers /healthz and the engine's API; after kill -9 and a zombie on the lock, the chat and the timer are still there", async () => {
    // A busy 3000 and 8288 (ours, or whoever else has them) never stop npm start.
    const held: Server[] = [];
    for (const port of [3000, 8288]) {
      try {
        held.push(await listen(() => {}, port, "127.0.0.1"));
      } catch {
        // already busy: just as good
      }
    }
    const phone = "+5215550091";
    let first: Sandbox;
    try {
      first = await startSandbox();
    } finally {
      for (const server of held) await closeServer(server);
    }
    const health = await getJson<{ ok: boolean; missing: string[] }>(`${first.url}/healthz`);
    expect(health).toEqual({ status: 200, body: expect.objectContaining({ ok: true, missing: [] }) });
    const clock = await getJson<{ now: string }>(`${first.url}/sandbox/clock`);
    expect(Date.parse(clock.body.now)).toBeGreaterThan(0);

    await fetch(`${first.url}/sandbox/whatsapp/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ from: phone, text: "hola", name: "Rosa" }),
    });
    const said = await until(async () => {
      const { body } = await getJson<Chat>(
        `${first.url}/sandbox/whatsapp/chats/${encodeURIComponent(phone)}`,
      );
      return body.messages.some((m) => m.text.includes("nombre")) ? body.messages : undefined;
    }, "the bot's question");
    const timer = await until(async () => {
      const { body } = await getJson<Runs>(`${first.url}/sandbox/runs?status=waiting`);
      return body.runs.find((r) => r.functionId.endsWith("data-collection-timer"));
    }, "the data-collection timer");
    const limited = await getJson<Runs>(`${first.url}/sandbox/runs?limit=1`);
    expect(limited.body.runs).toHaveLength(1);

    await killGroup(first);
    // The killed server's pid lingers as a zombie: the lock names a pid that still exists.
    const zombie = await zombiePid();
    try {
      writeFileSync(path.join(dataDir, "mongo", "embedded-mongo.lock"), String(zombie.pid));
      const second = await startSandbox();
      try {
        const { body } = await getJson<Chat>(
          `${second.url}/sandbox/whatsapp/chats/${encodeURIComponent(phone)}`,
        );
        expect(body.messages.slice(0, said.length)).toEqual(said.map((m) => expect.objectContaining(m)));
        expect(body.messages[0]).toMatchObject({ direction: "in", text: "hola" });
        const runs = await getJson<Runs>(`${second.url}/sandbox/runs?status=waiting`);
        expect(runs.body.runs.map((r) => r.functionId)).toContain(timer.functionId);

        // Moving the engine's clock through the page's server fires the pending nudge.
        const advanced = await fetch(`${second.url}/sandbox/clock/advance`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ ms: 6 * 60_000 }),
        });
        expect(advanced.status).toBe(200);
        expect(await advanced.json()).toMatchObject({
          fired: expect.any(Number),
          settled: expect.any(Boolean),
        });
      } finally {
        await killGroup(second);
      }
    } finally {
      zombie.parent.kill("SIGKILL");
    }
  }, 180_000);
});
