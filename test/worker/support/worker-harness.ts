// Integration harness for the worker: one embedded MongoDB, one local Inngest engine (in memory),
// worker apps (one per WhatsApp account) served over HTTP with simulated phones, and an "observer"
// app that records every whatsapp/* event the engine accepted (after its id deduplication).
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { ConsoleLogger, Inngest } from "inngest";
import type { InngestFunction } from "inngest";
import { serve } from "inngest/express";
import { SandboxPhones } from "../../../sandbox/phones/index.js";
import { createPhonesRouter } from "../../../sandbox/phones/index.js";
import { startLocalEngine, type LocalEngine } from "../../../sandbox/engine/index.js";
import { loadConfig, type Config, type Env } from "../../../shared/config/index.js";
import { connectDb, type DbHandle } from "../../../shared/db/index.js";
import {
  whatsappContactOptedIn,
  whatsappContactOptedOut,
  whatsappMessageReceived,
  whatsappMessageSent,
  whatsappSessionStatusChanged,
} from "../../../shared/events.js";
import { createInngestClient, registeredFunctionId, workerAppId } from "../../../shared/inngest.js";
import { createWorkerApp, type WorkerApp, type WorkerDeps } from "../../../worker/app.js";
import { createOutboundFunctions } from "../../../worker/functions.js";
import { PROACTIVE_SEND_FUNCTION_ID } from "../../../worker/outbound/proactive-send.js";
import { startTestMongo, type TestMongo } from "../../support/mongo.js";

export interface ObservedEvent {
  name: string;
  id: string | undefined;
  data: Record<string, unknown>;
}

export interface TestWorker {
  accountId: string;
  config: Config;
  app: WorkerApp;
  phones: SandboxPhones;
  /** Base URL of the worker's HTTP server (phones API included). */
  url: string;
  proactiveFunctionId: string;
  stop(): Promise<void>;
}

export interface Harness {
  mongo: TestMongo;
  db: DbHandle;
  engine: LocalEngine;
  observed: ObservedEvent[];
  startWorker(accountId: string, env?: Env, overrides?: Partial<WorkerDeps>): Promise<TestWorker>;
  /** Sends events to the engine as any producer would (timers, automations). */
  sendEvents(events: { name: string; data: Record<string, unknown>; id?: string }[]): Promise<void>;
  stop(): Promise<void>;
}

const silent = () => new ConsoleLogger({ level: "silent" });

async function listen(app: express.Express): Promise<{ url: string; server: Server }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

export async function startHarness(): Promise<Harness> {
  const mongo = await startTestMongo();
  const db = await connectDb({ uri: mongo.uri, dbName: mongo.dbName, appName: "worker-tests" });
  const engine = await startLocalEngine({ memory: true, quiet: true });
  const stops: (() => Promise<void>)[] = [];

  // The observer: one run per accepted event, so duplicates dropped by the engine never show up.
  const observed: ObservedEvent[] = [];
  const observer = new Inngest({
    id: "observer",
    baseUrl: engine.url,
    isDev: true,
    logger: silent(),
    internalLogger: silent(),
  });
  const record = (id: string, trigger: { name: string }): InngestFunction.Any =>
    observer.createFunction(
      { id, triggers: [trigger as typeof whatsappMessageReceived] },
      async ({ event }) => {
        observed.push({ name: event.name, id: event.id, data: event.data as Record<string, unknown> });
        return "recorded";
      },
    );
  const observerApp = express();
  observerApp.use(
    "/api/inngest",
    express.json({ limit: "10mb" }),
    serve({
      client: observer,
      functions: [
        record("record-received", whatsappMessageReceived),
        record("record-opted-out", whatsappContactOptedOut),
        record("record-opted-in", whatsappContactOptedIn),
        record("record-sent", whatsappMessageSent),
        record("record-session", whatsappSessionStatusChanged),
      ],
    }),
  );
  const observerServer = await listen(observerApp);
  await engine.syncApp(`${observerServer.url}/api/inngest`);

  return {
    mongo,
    db,
    engine,
    observed,
    async startWorker(accountId, env = {}, overrides = {}) {
      const config = loadConfig({
        WHATSAPP_ACCOUNT_ID: accountId,
        INNGEST_DEV: "1",
        INNGEST_BASE_URL: engine.url,
        LOG_LEVEL: "silent",
        // Always open, so proactive sends do not depend on the hour the tests run (quiet-hours tests set theirs).
        BUSINESS_HOURS: "00:00-24:00",
        BUSINESS_DAYS: "sun-sat",
        ...env,
      });
      const appId = workerAppId(config);
      const inngest = createInngestClient(config, { appId, logger: silent() });
      const phones = new SandboxPhones({ accountId });
      const app = createWorkerApp({
        config,
        db,
        transport: phones,
        inngest,
        relay: { intervalMs: 60_000 },
        // The gateway's own functions: the sales agent and its timers answer only where a test serves them.
        functions: createOutboundFunctions,
        routes: createPhonesRouter(phones),
        ...overrides,
      });
      const { url, server } = await listen(app.http);
      const synced = await engine.syncApp(`${url}/api/inngest`);
      if (!synced.ok) throw new Error(`sync failed: ${synced.status} ${synced.body}`);
      await app.start();
      const stop = async () => {
        await app.stop();
        await close(server);
      };
      stops.push(stop);
      return {
        accountId,
        config,
        app,
        phones,
        url,
        proactiveFunctionId: registeredFunctionId(appId, PROACTIVE_SEND_FUNCTION_ID),
        stop,
      };
    },
    async sendEvents(events) {
      const res = await fetch(`${engine.url}/e/test-key`, { method: "POST", body: JSON.stringify(events) });
      if (!res.ok) throw new Error(`engine refused events: ${res.status}`);
    },
    async stop() {
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
      await close(observerServer.server);
      await engine.stop();
      await db.close();
      await mongo.stop();
    },
  };
}

/** Polls until `check` returns a value (not undefined) or fails after timeoutMs (real time, bounded). */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let pollMs = 10; ; pollMs = Math.min(pollMs * 2, 100)) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

export interface RunSummary {
  id: string;
  status: string;
  output?: unknown;
  error?: unknown;
  steps: { id: string; status: string; attempts: number }[];
}

export async function listRuns(engineUrl: string, functionId: string): Promise<RunSummary[]> {
  const res = await fetch(`${engineUrl}/runs?function=${encodeURIComponent(functionId)}`);
  const body = (await res.json()) as { runs: RunSummary[] };
  return body.runs;
}

/** Waits until `count` runs of the function have ended, and returns them. */
export async function finishedRuns(
  engine: LocalEngine,
  functionId: string,
  count: number,
): Promise<RunSummary[]> {
  return eventually(
    async () => {
      const runs = await listRuns(engine.url, functionId);
      const ended = runs.filter((r) => ["completed", "failed", "cancelled"].includes(r.status));
      return ended.length >= count ? ended : undefined;
    },
    10_000,
    `${count} finished runs of ${functionId}`,
  );
}

let phoneCounter = 0;
/** A distinct E.164 number per call within a file. */
export function nextPhone(): string {
  phoneCounter += 1;
  return `+52155590${String(phoneCounter).padStart(4, "0")}`;
}
