// `npm start`: the whole product in one process, with local stand-ins for the outside world.
// Starts the embedded MongoDB-compatible server (or uses MONGODB_URI), the local Inngest engine, the
// worker side with simulated phones, the Slack side, and the sandbox page, then prints its URL.
// With real credentials in the environment the same code runs against the real services instead.
import path from "node:path";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import express from "express";
import { clock } from "../shared/clock.js";
import { loadConfig, type Config } from "../shared/config.js";
import { connectDb } from "../shared/db/index.js";
import { createInngestClient, slackAppId, workerAppId } from "../shared/inngest.js";
import { createLogger } from "../shared/logger.js";
import { createSlackSide } from "../slack/app.js";
import { createWorkerApp } from "../worker/app.js";
import { startLocalEngine } from "./engine/index.js";
import { startEmbeddedMongo } from "./mongo/index.js";
import { createPhonesRouter, SandboxPhones } from "./phones/index.js";
import { createSandboxPageRouter } from "./page/router.js";
import { startSandboxSlack } from "./slack/sandbox-slack.js";

const SANDBOX_NOTICE =
  "Sandbox: embedded MongoDB, local Inngest engine and simulated phones are development stand-ins, not production services.";

function listen(app: Express, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, "127.0.0.1", () => resolve(server));
    server.on("error", reject);
  });
}

/** The port a server actually got (the configured one, or a free one for port 0). */
function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config, { base: { side: "sandbox" } });
  console.log(SANDBOX_NOTICE);

  const dataDir = path.resolve(config.mongo.sandboxDataDir);
  const mongo = config.mongo.uri
    ? undefined
    : await startEmbeddedMongo({ dataDir: path.join(dataDir, "mongo") });
  const mongoUri = config.mongo.uri ?? mongo!.uri;

  const engine = await startLocalEngine({
    port: config.engine.port,
    host: config.engine.host,
    mongoUri,
    mongoDbName: "inngest_local_engine",
  });
  const restoreClock = clock.use(() => engine.nowMs());
  const sandboxConfig: Config = {
    ...config,
    inngest: { ...config.inngest, mode: "dev", baseUrl: engine.url },
  };

  const db = await connectDb({ uri: mongoUri, dbName: config.mongo.db, appName: "sandbox" });

  const phones = new SandboxPhones({ accountId: config.whatsapp.accountId, logger });
  const worker = createWorkerApp({
    config: sandboxConfig,
    db,
    transport: phones,
    inngest: createInngestClient(sandboxConfig, { appId: workerAppId(config), logger }),
    logger,
  });
  const slackSim = await startSandboxSlack(sandboxConfig, db.db);
  const slack = createSlackSide({
    config: slackSim.config,
    inngest: createInngestClient(sandboxConfig, { appId: slackAppId(config) }),
    db,
  });

  const page = express();
  page.use(createPhonesRouter(phones));
  page.use(slackSim.router());
  page.use(createSandboxPageRouter({ engineUrl: engine.url }));

  const workerServer = await listen(worker.http, config.http.workerPort);
  const webServer = await listen(slack.http, config.http.webPort);
  slackSim.connect(`http://127.0.0.1:${portOf(webServer)}/slack/events`);
  const pageServer = await listen(page, config.http.sandboxPort);
  const servers = [workerServer, webServer, pageServer];
  for (const server of [workerServer, webServer]) {
    const sync = await engine.syncApp(`http://127.0.0.1:${portOf(server)}/api/inngest`);
    if (!sync.ok) {
      throw new Error(`the local engine could not sync the app on port ${portOf(server)}: ${sync.body}`);
    }
  }
  await worker.start();

  console.log(`Sandbox ready: http://127.0.0.1:${portOf(pageServer)}/`);
  console.log(`  local Inngest engine ${engine.url} (runs: ${engine.url}/runs)`);
  console.log(`  worker http://127.0.0.1:${portOf(workerServer)}  web http://127.0.0.1:${portOf(webServer)}`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "sandbox shutting down");
    setTimeout(() => process.exit(1), 15_000).unref();
    await worker.stop();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await slackSim.stop();
    restoreClock();
    await engine.stop();
    await db.close();
    await mongo?.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
