// `npm start`: the whole product in one process, with local stand-ins for the outside world.
// Starts the embedded MongoDB-compatible server (or uses MONGODB_URI), the local Inngest engine, the
// worker side with simulated phones, the Slack side, and the sandbox page, then prints its URL.
// With real credentials in the environment the same code runs against the real services instead.
import path from "node:path";
import express from "express";
import { clock } from "../shared/clock.js";
import type { Config } from "../shared/config/index.js";
import { connectDb } from "../shared/db/index.js";
import { closeServer, listen, onShutdownSignal, portOf, serveJsonErrors } from "../shared/http/index.js";
import { createInngestClient, slackAppId, workerAppId } from "../shared/inngest.js";
import { createLogger } from "../shared/logger.js";
import { createSlackSide } from "../slack/app.js";
import { createWorkerApp } from "../worker/app.js";
import { startLocalEngine } from "./engine/index.js";
import { startEmbeddedMongo } from "./mongo/index.js";
import { loadSandboxConfig, preflight } from "./preflight.js";
import { stopWithParent } from "./stop-with-parent.js";
import { createPhonesRouter, mongoPhoneChatStore, SandboxPhones } from "./phones/index.js";
import { createSandboxPage } from "./page/router.js";
import { startSandboxSlack } from "./slack/sandbox-slack.js";

/** The sandbox serves this machine only: it has no authentication. */
const LOCALHOST = "127.0.0.1";

const SANDBOX_NOTICE =
  "Sandbox: embedded MongoDB, local Inngest engine and simulated phones are development stand-ins, not production services.";

async function main(): Promise<void> {
  const config = loadSandboxConfig();
  await preflight(config, LOCALHOST);
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

  const db = await connectDb({
    uri: mongoUri,
    dbName: config.mongo.db,
    appName: "sandbox",
    seedAutomations: true,
  });

  const phones = new SandboxPhones({
    accountId: config.whatsapp.accountId,
    logger,
    store: mongoPhoneChatStore(db.db),
  });
  await phones.restore();
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
  const servers = [workerServer, webServer, pageServer];
  for (const [app, server] of [
    ["worker", workerServer],
    ["web", webServer],
  ] as const) {
    const sync = await engine.syncApp(`http://127.0.0.1:${portOf(server)}/api/inngest`);
    if (!sync.ok) {
      throw new Error(`the local engine could not sync the app on port ${portOf(server)}: ${sync.body}`);
    }
    synced[app] = true;
  }
  await worker.start();

  console.log(`Sandbox ready: http://127.0.0.1:${portOf(pageServer)}/`);
  console.log(`  local Inngest engine ${engine.url} (runs: ${engine.url}/runs)`);
  console.log(`  worker http://127.0.0.1:${portOf(workerServer)}  web http://127.0.0.1:${portOf(webServer)}`);

  stopWithParent();
  onShutdownSignal(logger, async () => {
    await worker.stop();
    sandboxPage.close();
    // Whatever is still calling (the engine in this process, a browser) is cut off rather than waited
    // for: the engine keeps its runs and retries an interrupted step when it starts again.
    for (const server of servers) await closeServer(server, { abortOpen: true });
    await slackSim.stop();
    restoreClock();
    await engine.stop();
    await db.close();
    await mongo?.stop();
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
