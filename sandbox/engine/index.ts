import type { AddressInfo } from "node:net";
import { AppWatcher, syncAppAt } from "./app-sync.js";
import { Engine } from "./engine.js";
import type { EngineOptions } from "./engine.js";
import { createHttpApi } from "./http-api.js";
import { openStore } from "./store/open-store.js";
import type { EngineStore } from "./store/store.js";

// In-process entry: start the local Inngest stand-in on a port and return its handle.
export interface LocalEngineOptions {
  port?: number;
  host?: string;
  /** MongoDB to keep state in; without it an embedded server persists under `dataDir`. */
  mongoUri?: string;
  /** Database name inside that MongoDB (default "inngest_local_engine"). */
  mongoDbName?: string;
  dataDir?: string;
  /** Keep state in process memory only (unit tests). */
  memory?: boolean;
  /** A store you built yourself (tests). Takes precedence over the options above. */
  store?: EngineStore;
  signingKey?: string;
  eventKey?: string;
  appUrls?: string[];
  /** How many runs may have a call in flight at once (default 64). */
  maxParallelRuns?: number;
  /** Let the SDK run several steps per call, checkpointing each (default true; see engine.ts). */
  checkpointing?: boolean;
  /** Told the clock's new state after every advance, before what came due runs (see engine.ts). */
  onClockMoved?: EngineOptions["onClockMoved"];
  /** How often `appUrls` are checked (and re-synced when they come back); default 5 s. */
  appSyncIntervalMs?: number;
  quiet?: boolean;
  /**
   * Call no app and fire nothing until `release()`: after a restart the apps may listen on other
   * ports than the ones they were synced from, and every call to an old address would use up one
   * of a run's retries. Events are still taken in and apps synced meanwhile.
   */
  held?: boolean;
}

export interface LocalEngine {
  url: string;
  port: number;
  engine: Engine;
  nowMs(): number;
  advance(ms: number, settleMs?: number): Promise<{ now: string; fired: number; settled: boolean }>;
  syncApp(url: string): Promise<{ ok: boolean; status: number; body: string }>;
  settle(timeoutMs?: number): Promise<boolean>;
  /** Ends the hold of `held` (a no-op otherwise). */
  release(): void;
  stop(): Promise<void>;
}

export async function startLocalEngine(opts: LocalEngineOptions = {}): Promise<LocalEngine> {
  const log = opts.quiet ? () => {} : (msg: string) => console.log(`[engine] ${msg}`);
  const opened = opts.store
    ? { store: opts.store, close: async () => {} }
    : await openStore({
        ...(opts.mongoUri ? { mongoUri: opts.mongoUri } : {}),
        ...(opts.mongoDbName ? { mongoDbName: opts.mongoDbName } : {}),
        ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
        memory: opts.memory ?? false,
        quiet: opts.quiet ?? false,
      });
  const engine = await Engine.open({
    store: opened.store,
    ...(opts.signingKey ? { signingKey: opts.signingKey } : {}),
    ...(opts.maxParallelRuns ? { maxParallelRuns: opts.maxParallelRuns } : {}),
    // `--app-url` apps are synced before any call: a restarted app may serve on another port now.
    ...(opts.held || opts.appUrls?.length ? { held: true } : {}),
    ...(opts.checkpointing !== undefined ? { checkpointing: opts.checkpointing } : {}),
    ...(opts.onClockMoved ? { onClockMoved: opts.onClockMoved } : {}),
    log,
  });
  const api = createHttpApi({
    engine,
    syncApp: syncAppAt,
    log,
    ...(opts.signingKey ? { signingKey: opts.signingKey } : {}),
    ...(opts.eventKey ? { eventKey: opts.eventKey } : {}),
  });
  const host = opts.host ?? "127.0.0.1";
  const server = await new Promise<import("node:http").Server>((resolve, reject) => {
    const s = api.listen(opts.port ?? 0, host, () => resolve(s));
    s.on("error", reject);
  });
  // Apps call back on kept-alive connections (events, checkpoints). undici reuses a connection only
  // while the server's advertised keep-alive is over 2 s away, so a short one means a new TCP
  // connection per request; stop() closes idle ones at once anyway.
  server.keepAliveTimeout = 60_000;
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  const watcher = new AppWatcher(opts.appUrls ?? [], log, opts.appSyncIntervalMs);
  if (opts.appUrls?.length) await watcher.start();
  if (!opts.held) engine.release();
  log(`listening on ${url}`);
  return {
    url,
    port,
    engine,
    nowMs: () => engine.nowMs(),
    advance: (ms, settleMs) => engine.advance(ms, settleMs),
    syncApp: syncAppAt,
    settle: (timeoutMs) => engine.settle(timeoutMs),
    release: () => engine.release(),
    async stop() {
      watcher.stop();
      await engine.stop();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await opened.close();
    },
  };
}

export { Engine } from "./engine.js";
export type { ClockState } from "./clock.js";
export { MemoryStore } from "./store/memory-store.js";
export { MongoStore } from "./store/mongo-store.js";
export type { RunView } from "./run-view.js";
