// Starts the local Inngest engine in a child process (engine-child.ts) and hands back what the
// sandbox needs of it: its URL, its clock (mirrored here, so the product's "now" follows every
// advance before anything that came due runs), settle and advance, and stop. The engine keeps its
// state in MongoDB exactly as in process; a kill -9 of either process loses nothing acknowledged.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { syncAppAt } from "./engine/app-sync.js";
import type { ClockState, LocalEngine } from "./engine/index.js";

/** The engine as the sandbox uses it, in this process (LocalEngine) or in a child. */
export type SandboxEngine = Omit<LocalEngine, "engine"> & {
  /** The child's pid, when the engine runs in one. */
  pid?: number;
};

export interface EngineProcessOptions {
  port: number;
  host: string;
  mongoUri: string;
  mongoDbName: string;
  /** Call no app and fire nothing until release() (the apps are synced first). */
  held?: boolean;
  /** Driver command monitoring in the child: every command its store client starts. */
  onCommand?: (commandName: string, collection: string) => void;
}

/** What the child is started with (JSON in argv[2]). */
export interface EngineChildOptions {
  port: number;
  host: string;
  mongoUri: string;
  mongoDbName: string;
  held: boolean;
  monitorCommands: boolean;
}

type AdvanceResult = { now: string; fired: number; settled: boolean };

/** Child → parent. `commands` counts come before the answer of the request they belong to. */
export type EngineChildMessage =
  | { type: "ready"; url: string; port: number; clock: ClockState }
  | { type: "clock"; seq: number; clock: ClockState }
  | { type: "commands"; counts: [string, string, number][] }
  | { type: "settled"; id: number; ok: boolean }
  | { type: "advanced"; id: number; result?: AdvanceResult; error?: string };

/** Parent → child. */
export type EngineParentMessage =
  | { type: "clock-ack"; seq: number }
  | { type: "release" }
  | { type: "settle"; id: number; timeoutMs: number }
  | { type: "advance"; id: number; ms: number; settleMs: number };

const FROM_SOURCE = import.meta.url.endsWith(".ts");
const CHILD = fileURLToPath(new URL(`./engine-child${FROM_SOURCE ? ".ts" : ".js"}`, import.meta.url));
/** Run from TypeScript sources by a runner that does not pass its loader on (vitest): add tsx's. */
const EXEC_ARGV =
  FROM_SOURCE && !process.execArgv.some((arg) => arg.includes("tsx"))
    ? [...process.execArgv, "--import", "tsx"]
    : process.execArgv;

/** The engine's clock as seen here: real time plus the child's offset, never backwards. */
class ClockMirror {
  private offsetMs: number;
  private floorMs: number;

  constructor(state: ClockState) {
    this.offsetMs = state.offsetMs;
    this.floorMs = state.lastMs;
  }

  update(state: ClockState): void {
    this.offsetMs = state.offsetMs;
    this.floorMs = Math.max(this.floorMs, state.lastMs);
  }

  nowMs(): number {
    const t = Date.now() + this.offsetMs;
    if (t > this.floorMs) this.floorMs = t;
    return this.floorMs;
  }
}

export function startLocalEngineProcess(
  opts: EngineProcessOptions,
): Promise<SandboxEngine & { pid: number }> {
  const childOptions: EngineChildOptions = {
    port: opts.port,
    host: opts.host,
    mongoUri: opts.mongoUri,
    mongoDbName: opts.mongoDbName,
    held: opts.held ?? false,
    monitorCommands: opts.onCommand !== undefined,
  };
  const child = fork(CHILD, [JSON.stringify(childOptions)], {
    execArgv: EXEC_ARGV,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const pending = new Map<number, (message: EngineChildMessage) => void>();
  let nextId = 0;
  let clock: ClockMirror | undefined;

  const request = <T>(message: EngineParentMessage, answer: (m: EngineChildMessage) => T): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (!child.connected) {
        reject(new Error("the local engine's process is gone"));
        return;
      }
      pending.set((message as { id: number }).id, (m) => {
        try {
          resolve(answer(m));
        } catch (err) {
          reject(err);
        }
      });
      child.send(message);
    });

  return new Promise((resolve, reject) => {
    const onEarlyExit = (code: number | null) =>
      reject(new Error(`the local engine exited before it listened (code ${code})`));
    child.once("exit", onEarlyExit);
    child.once("exit", () => {
      for (const answer of pending.values()) answer({ type: "settled", id: -1, ok: false });
      pending.clear();
    });
    child.on("message", (raw) => {
      const message = raw as EngineChildMessage;
      switch (message.type) {
        case "ready":
          clock = new ClockMirror(message.clock);
          child.off("exit", onEarlyExit);
          resolve({
            url: message.url,
            port: message.port,
            pid: child.pid!,
            nowMs: () => clock!.nowMs(),
            advance: (ms, settleMs = 10_000) =>
              request({ type: "advance", id: ++nextId, ms, settleMs }, (m) => {
                if (m.type !== "advanced" || !m.result)
                  throw new Error(m.type === "advanced" ? m.error : "engine gone");
                return m.result;
              }),
            syncApp: syncAppAt,
            release: () => {
              if (child.connected) child.send({ type: "release" } satisfies EngineParentMessage);
            },
            settle: (timeoutMs = 10_000) =>
              request({ type: "settle", id: ++nextId, timeoutMs }, (m) => m.type === "settled" && m.ok),
            async stop() {
              if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
              await exited;
            },
          });
          return;
        case "clock":
          // moved before anything that came due runs: the apps must already see the new time
          clock?.update(message.clock);
          child.send({ type: "clock-ack", seq: message.seq } satisfies EngineParentMessage);
          return;
        case "commands":
          for (const [name, collection, n] of message.counts)
            for (let i = 0; i < n; i++) opts.onCommand?.(name, collection);
          return;
        case "settled":
        case "advanced": {
          const answer = pending.get(message.id);
          pending.delete(message.id);
          answer?.(message);
          return;
        }
      }
    });
  });
}
