// Composition root of the `web` process (Procfile): the Slack side.
import { loadConfig, redactConfig } from "../shared/config.js";
import { createInngestClient, slackAppId } from "../shared/inngest.js";
import { createLogger } from "../shared/logger.js";
import { createSlackSide } from "./app.js";
import { functions } from "./functions.js";

const config = loadConfig();
const logger = createLogger(config, { base: { side: "slack" } });
const inngest = createInngestClient(config, { appId: slackAppId(config) });
const { http } = createSlackSide({ config, inngest, functions });

const server = http.listen(config.http.webPort, () => {
  logger.info({ port: config.http.webPort, config: redactConfig(config) }, "web (Slack side) listening");
});

function shutdown(signal: string): void {
  logger.info({ signal }, "shutting down");
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(1), 10_000).unref();
}
process.on("SIGINT", () => shutdown("SIGINT"));
process.on("SIGTERM", () => shutdown("SIGTERM"));
