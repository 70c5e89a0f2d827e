// Composition root of the `web` process (Procfile): the Slack side. A bad configuration (or a port
// already in use) stops it with one message and exit code 1, never a stack trace.
import type { Server } from "node:http";
import { loadConfig, redactConfig } from "../shared/config.js";
import { createInngestClient, slackAppId } from "../shared/inngest.js";
import { createLogger } from "../shared/logger.js";
import { createSlackSide } from "./app.js";
import { functions } from "./functions.js";

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config, { base: { side: "slack" } });
  const inngest = createInngestClient(config, { appId: slackAppId(config) });
  const { http } = createSlackSide({ config, inngest, functions });

  const server: Server = await new Promise((resolve, reject) => {
    const s = http.listen(config.http.webPort, () => resolve(s));
    s.on("error", reject);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.http.webPort;
  logger.info({ port, config: redactConfig(config) }, "web (Slack side) listening");

  const shutdown = (signal: string): void => {
    logger.info({ signal }, "shutting down");
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
