// The sandbox's composition: the embedded MongoDB-compatible server (or MONGODB_URI), the local
// Inngest engine, the worker side with simulated phones, the Slack side and the sandbox page, wired
// as `npm start` runs them. `npm start` (main.ts) and the whole-product benchmark both start it here,
// so what is measured is what a developer runs.
import path from "node:path";
import type { webApi } from "@slack/bolt";
import express from "express";
import { MongoClient } from "mongodb";
import type { Server } from "node:http";
import { clock } from "../shared/clock.js";
import type { Config } from "../shared/config/index.js";
import { connectDb, type DbHandle } from "../shared/db/index.js";
import { closeServer, createLocalFetch, listen, portOf, serveJsonErrors } from "../shared/http/index.js";
import { createInngestClient, slackAppId, workerAppId } from "../shared/inngest.js";
import type { createLogger } from "../shared/logger.js";
import { createSlackSide } from "../slack/app.js";
import type { Brain } from "../worker/agent/brain/types.js";
import { createWorkerApp, type WorkerApp } from "../worker/app.js";
import { MongoStore, startLocalEngine } from "./engine/index.js";
import { startLocalEngineProcess, type SandboxEngine } from "./engine-process.js";
import { startEmbeddedMongo, type EmbeddedMongo } from "./mongo/index.js";
import { startEmbeddedMongoProcess } from "./mongo-process.js";
import { createPhonesRouter, mongoPhoneChatStore, SandboxPhones } from "./phones/index.js";
import { createSandboxPage } from "./page/router.js";
import type { SlackWorkspace } from "./slack/index.js";
import { startSandboxSlack } from "./slack/sandbox-slack.js";

/** The sandbox serves this machine only: it has no authentication. */
export const LOCALHOST = "127.0.0.1";

const ENGINE_DB = "inngest_local_engine";

export interface SandboxOptions {
  config: Config;
  logger: ReturnType<typeof createLogger>;
  /** Where the embedded server keeps its files (ignored with MONGODB_URI). */
  dataDir?: string;
  /**
   * Where the embedded server runs: "child" = its own process, so its work uses the second core
   * (npm start; measured with `npm run bench -- --mongo child|in-process`), "in-process" = this one.
   * Default "in-process".
   */
  mongoIn?: "child" | "in-process";
  /**
   * Where the local engine runs: "child" = its own process (npm start), "in-process" = this one.
   * Default "in-process".
   */
  engineIn?: "child" | "in-process";
  /** No startup lines from the embedded server and the engine (benchmarks). */
  quiet?: boolean;
  /** Who decides the agent's answers (default: from the config). */
  brain?: Brain;
  /** The Slack side's Web API client options (tests: `retryConfig: { retries: 0 }`). Default Bolt's. */
  slackClientOptions?: webApi.WebClientOptions;
  /** Driver command monitoring: every command the app's client starts. */
  onAppCommand?: (commandName: string, collection: string) => void;
  /** Driver command monitoring: every command the engine's store client starts. */
  onEngineCommand?: (commandName: string, collection: string) => void;
}

export interface RunningSandbox {
  mongoUri: string;
  mongo: (EmbeddedMongo & { pid?: number }) | undefined;
  engine: SandboxEngine;
  db: DbHandle;
  phones: SandboxPhones;
  /** The simulated Slack workspace (undefined when real Slack credentials are configured). */
  workspace: SlackWorkspace | undefined;
  worker: WorkerApp;
  servers: { worker: Server; web: Server; page: Server };
  pageUrl: string;
  /** Stops everything it started, last started first. */
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const { config, logger } = options;
  const dataDir = path.resolve(options.dataDir ?? config.mongo.sandboxDataDir);
  const mongoDir = path.join(dataDir, "mongo");
  const mongo = config.mongo.uri
    ? undefined
    : options.mongoIn === "child"
      ? await startEmbeddedMongoProcess({ dataDir: mongoDir })
      : await startEmbeddedMongo({ dataDir: mongoDir, ...(options.quiet ? { quiet: true } : {}) });
  const mongoUri = config.mongo.uri ?? mongo!.uri;

  let engineClient: MongoClient | undefined;
  // The engine is held until both apps are synced: after a restart their ports are new, and a call
  // to last time's would cost a run one of its retries.
  let engine: SandboxEngine;
  if (options.engineIn === "child") {
    engine = await startLocalEngineProcess({
      held: true,
      port: config.engine.port,
      host: config.engine.host,
      mongoUri,
      mongoDbName: ENGINE_DB,
      ...(options.onEngineCommand ? { onCommand: options.onEngineCommand } : {}),
    });
  } else {
    if (options.onEngineCommand) {
      engineClient = new MongoClient(mongoUri, { monitorCommands: true });
      const listener = options.onEngineCommand;
      engineClient.on("commandStarted", (event) =>
        listener(event.commandName, String(event.command[event.commandName] ?? "")),
      );
      await engineClient.connect();
    }
    engine = await startLocalEngine({
      held: true,
      port: config.engine.port,
      host: config.engine.host,
      ...(options.quiet ? { quiet: true } : {}),
      ...(engineClient
        ? { store: await MongoStore.fromDb(engineClient, engineClient.db(ENGINE_DB)) }
        : { mongoUri, mongoDbName: ENGINE_DB }),
    });
  }
  const restoreClock = clock.use(() => engine.nowMs());
  const sandboxConfig: Config = {
    ...config,
    inngest: { ...config.inngest, mode: "dev", baseUrl: engine.url },
  };

  const db = await connectDb({
    uri: mongoUri,
    dbName: config.mongo.db,
    appName: "sandbox",
    seedAutomations: true,
    ...(options.onAppCommand ? { onCommand: options.onAppCommand } : {}),
  });

  // The simulated phones keep their chats in the sandbox's MongoDB, so a restart shows them whole.
  const phones = new SandboxPhones({
    accountId: config.whatsapp.accountId,
    logger,
    store: mongoPhoneChatStore(db.db),
  });
  await phones.restore();
  // The apps reach the local engine (events, checkpoints) on kept-alive node:http connections.
  const localFetch = createLocalFetch();
  const worker = createWorkerApp({
    config: sandboxConfig,
    db,
    transport: phones,
    inngest: createInngestClient(sandboxConfig, {
      appId: workerAppId(config),
      logger,
      fetch: localFetch,
    }),
    logger,
    ...(options.brain ? { brain: options.brain } : {}),
  });
  // The simulated Slack workspace, unless real Slack credentials are configured.
  const slackSim = await startSandboxSlack(sandboxConfig, db.db);
  const slack = createSlackSide({
    config: slackSim.config,
    inngest: createInngestClient(sandboxConfig, {
      appId: slackAppId(config),
      logger,
      fetch: localFetch,
    }),
    db,
    logger,
    ...(options.slackClientOptions ? { clientOptions: options.slackClientOptions } : {}),
  });

  const synced = { worker: false, web: false };
  const sandboxPage = createSandboxPage({
    engineUrl: engine.url,
    db: db.db,
    onPhoneChange: (listener) => phones.onChange(listener),
    workspace: slackSim.workspace,
    health: {
      mongo: async () => (await db.db.command({ ping: 1 }))["ok"] === 1,
      engine: async () => (await fetch(`${engine.url}/clock`)).ok,
      apps: () => ({ ...synced }),
      gateway: () => phones.status().state === "ready",
    },
  });
  const page = express();
  page.use(sandboxPage.router);
  page.use(createPhonesRouter(phones));
  page.use(slackSim.router());
  serveJsonErrors(page, logger);

  const workerServer = await listen(worker.http, config.http.workerPort, LOCALHOST);
  const webServer = await listen(slack.http, config.http.webPort, LOCALHOST);
  slackSim.connect(`http://${LOCALHOST}:${portOf(webServer)}/slack/events`);
  const pageServer = await listen(page, config.http.sandboxPort, LOCALHOST);
  for (const [app, server] of [
    ["worker", workerServer],
    ["web", webServer],
  ] as const) {
    const sync = await engine.syncApp(`http://${LOCALHOST}:${portOf(server)}/api/inngest`);
    if (!sync.ok) {
      throw new Error(`the local engine could not sync the app on port ${portOf(server)}: ${sync.body}`);
    }
    synced[app] = true;
  }
  engine.release();
  await worker.start();

  return {
    mongoUri,
    mongo,
    engine,
    db,
    phones,
    workspace: slackSim.workspace,
    worker,
    servers: { worker: workerServer, web: webServer, page: pageServer },
    pageUrl: `http://${LOCALHOST}:${portOf(pageServer)}/`,
    async stop() {
      await worker.stop();
      sandboxPage.close();
      // Whatever is still calling (the engine in this process, a browser) is cut off rather than
      // waited for: the engine keeps its runs and retries an interrupted step when it starts again.
      for (const server of [workerServer, webServer, pageServer]) {
        await closeServer(server, { abortOpen: true });
      }
      await slackSim.stop();
      restoreClock();
      await engine.stop();
      await engineClient?.close();
      await db.close();
      await mongo?.stop();
    },
  };
}
