// A standalone worker process with simulated phones instead of WhatsApp (development only): the
// production worker's code path (worker/standalone.ts) around the sandbox transport, with the phones'
// HTTP API (/sandbox/whatsapp/...) on the worker's port. Needs MONGODB_URI and an engine (INNGEST_*);
// `npm start` runs everything, embedded database and local engine included.
//   npx tsx sandbox/worker-main.ts
import { loadConfig } from "../shared/config/index.js";
import { createLogger } from "../shared/logger.js";
import { requireMongoUri, runStandaloneWorker } from "../worker/standalone.js";
import { createPhonesRouter, SandboxPhones } from "./phones/index.js";

async function main(): Promise<void> {
  const config = loadConfig();
  requireMongoUri(config);
  if (config.whatsapp.transport !== "sandbox") {
    throw new Error(
      `WHATSAPP_TRANSPORT=${config.whatsapp.transport}: this entry runs simulated phones; start worker/main.ts (npm run start:worker) for WhatsApp`,
    );
  }
  const logger = createLogger(config, { base: { side: "worker", account: config.whatsapp.accountId } });
  const phones = new SandboxPhones({ accountId: config.whatsapp.accountId, logger });
  logger.warn({}, "simulated phones, no real WhatsApp (development only)");
  await runStandaloneWorker({ config, logger, transport: phones, routes: createPhonesRouter(phones) });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
