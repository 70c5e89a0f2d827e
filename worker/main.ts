// Composition root of the `worker` process (Procfile): one WhatsApp account on whatsapp-web.js.
// Reads config, builds the WhatsApp transport and runs the worker (worker/standalone.ts: MongoDB,
// /api/inngest, /healthz, the QR page, clean shutdown). Production code only: the simulated phones
// (WHATSAPP_TRANSPORT=sandbox) run from `npm start` or sandbox/worker-main.ts, never from here.
import { loadConfig, type Config } from "../shared/config/index.js";
import { createLogger } from "../shared/logger.js";
import { createWwebjsTransport } from "./gateway/wwebjs/index.js";
import { requireMongoUri, runStandaloneWorker } from "./standalone.js";

/** Refuses the development transport with the way to get it. */
function requireWhatsAppTransport(config: Config): void {
  if (config.whatsapp.transport !== "wwebjs") {
    throw new Error(
      `WHATSAPP_TRANSPORT=${config.whatsapp.transport}: the simulated phones are not part of the production worker. ` +
        "Run `npm start` for the whole sandbox, or `npx tsx sandbox/worker-main.ts` for a worker with simulated phones; " +
        "set WHATSAPP_TRANSPORT=wwebjs to connect to WhatsApp.",
    );
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  requireMongoUri(config);
  requireWhatsAppTransport(config);
  const { whatsapp } = config;
  const logger = createLogger(config, { base: { side: "worker", account: whatsapp.accountId } });
  const transport = createWwebjsTransport({
    accountId: whatsapp.accountId,
    authDir: whatsapp.authDir,
    chromiumPath: whatsapp.chromiumPath,
    bootTimeoutMs: whatsapp.bootTimeoutMs,
    staleGraceMs: whatsapp.inboundGraceMs,
    allowGroups: whatsapp.allowGroups,
    logger,
  });
  await runStandaloneWorker({ config, logger, transport });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
