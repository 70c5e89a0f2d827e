// One worker (one WhatsApp account) as its own process, around a transport the caller built: connects
// to MongoDB (MONGODB_URI is required: the embedded stand-in is started only by `npm start`), serves
// on WORKER_PORT, and shuts down cleanly on SIGINT/SIGTERM: the transport is stopped (a WhatsApp
// client is destroyed, never logged out), then the server and the database close.
// Used by worker/main.ts (whatsapp-web.js) and by sandbox/worker-main.ts (simulated phones), so
// that nothing here knows about sandbox code.
import type { Router } from "express";
import { redactConfig, type Config } from "../shared/config/index.js";
import { connectDb } from "../shared/db/index.js";
import { closeServer, listen, onShutdownSignal, portOf } from "../shared/http/index.js";
import { createInngestClient, workerAppId } from "../shared/inngest.js";
import type { Logger } from "../shared/logger.js";
import { createWorkerApp } from "./app.js";
import type { Transport } from "./gateway/transport.js";

export interface StandaloneWorkerOptions {
  config: Config;
  logger: Logger;
  /** Built but not started; its accountId must be config.whatsapp.accountId. */
  transport: Transport;
  /** Served next to the worker's own routes (e.g. the simulated phones' HTTP API). */
  routes?: Router;
}

/** The MongoDB URI a standalone worker needs; throws the message an operator should read. */
export function requireMongoUri(config: Config): string {
  if (!config.mongo.uri) {
    throw new Error(
      "MONGODB_URI is required to run the worker on its own (use `npm start` for the sandbox with its embedded database)",
    );
  }
  return config.mongo.uri;
}

/** Runs until SIGINT/SIGTERM, then exits the process (0 after a clean shutdown, 1 otherwise). */
export async function runStandaloneWorker(options: StandaloneWorkerOptions): Promise<void> {
  const { config, logger, transport } = options;
  const db = await connectDb({
    uri: requireMongoUri(config),
    dbName: config.mongo.db,
    appName: workerAppId(config),
    // The example automations, created once (existing ones, and admins' changes, are kept).
    seedAutomations: true,
  });
  const inngest = createInngestClient(config, { appId: workerAppId(config), logger });

  const worker = createWorkerApp({
    config,
    db,
    transport,
    inngest,
    logger,
    ...(options.routes ? { routes: options.routes } : {}),
  });

  const server = await listen(worker.http, config.http.workerPort);
  logger.info(
    { port: portOf(server), appId: workerAppId(config), config: redactConfig(config) },
    "worker listening",
  );
  await worker.start();

  onShutdownSignal(logger, async () => {
    await worker.stop();
    await closeServer(server);
    await db.close();
  });
}
