// Composition root of the `worker` process (Procfile): one WhatsApp account. Reads config, connects
// to MongoDB (MONGODB_URI is required here: the embedded stand-in is started only by `npm start`),
// builds the transport (whatsapp-web.js, or the simulated phones with their HTTP API when
// WHATSAPP_TRANSPORT=sandbox), serves on WORKER_PORT, and shuts down cleanly on SIGINT/SIGTERM:
// the WhatsApp client is destroyed (never logged out), then the server and the database close.
import type { Server } from "node:http";
import { loadConfig, redactConfig, type Config } from "../shared/config.js";
import { connectDb } from "../shared/db/index.js";
import { createInngestClient, workerAppId } from "../shared/inngest.js";
import { createLogger } from "../shared/logger.js";
import { createWorkerApp } from "./app.js";
import type { GatewayLogger } from "./gateway/logger.js";
import type { Transport } from "./gateway/transport.js";
import { createWwebjsTransport } from "./gateway/wwebjs/index.js";
import type { Router } from "express";

/** The transport, plus the routes it needs on the worker's server (the simulated phones' API). */
async function createTransport(
  config: Config,
  logger: GatewayLogger,
): Promise<{ transport: Transport; routes?: Router }> {
  const { whatsapp } = config;
  if (whatsapp.transport === "wwebjs") {
    const transport = createWwebjsTransport({
      accountId: whatsapp.accountId,
      authDir: whatsapp.authDir,
      chromiumPath: whatsapp.chromiumPath,
      bootTimeoutMs: whatsapp.bootTimeoutMs,
      staleGraceMs: whatsapp.inboundGraceMs,
      allowGroups: whatsapp.allowGroups,
      logger,
    });
    return { transport };
  }
  // Simulated phones (development only): loaded lazily so production never imports sandbox code.
  const { SandboxPhones, createPhonesRouter } = await import("../sandbox/phones/index.js");
  const phones = new SandboxPhones({ accountId: whatsapp.accountId, logger });
  logger.warn({}, "WHATSAPP_TRANSPORT=sandbox: simulated phones, no real WhatsApp (development only)");
  return { transport: phones, routes: createPhonesRouter(phones) };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config, { base: { side: "worker", account: config.whatsapp.accountId } });
  if (!config.mongo.uri) {
    throw new Error(
      "MONGODB_URI is required to run the worker on its own (use `npm start` for the sandbox with its embedded database)",
    );
  }
  const db = await connectDb({
    uri: config.mongo.uri,
    dbName: config.mongo.db,
    appName: workerAppId(config),
  });
  const inngest = createInngestClient(config, { appId: workerAppId(config), logger });

  const { transport, routes } = await createTransport(config, logger);
  const worker = createWorkerApp({ config, db, transport, inngest, logger });
  if (routes) worker.http.use(routes);

  const server: Server = await new Promise((resolve, reject) => {
    const s = worker.http.listen(config.http.workerPort, () => resolve(s));
    s.on("error", reject);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.http.workerPort;
  logger.info({ port, appId: workerAppId(config), config: redactConfig(config) }, "worker listening");
  await worker.start();

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    setTimeout(() => process.exit(1), 30_000).unref();
    void (async () => {
      try {
        await worker.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await db.close();
        process.exit(0);
      } catch (error) {
        logger.error({ error: String(error) }, "shutdown failed");
        process.exit(1);
      }
    })();
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
