// Composition root of the `web` process (Procfile): the Slack side. A bad configuration (or a port
// already in use) stops it with one message and exit code 1, never a stack trace.
import { loadConfig, redactConfig } from "../shared/config/index.js";
import { closeServer, listen, onShutdownSignal, portOf } from "../shared/http/index.js";
import { createInngestClient, slackAppId } from "../shared/inngest.js";
import { createLogger } from "../shared/logger.js";
import { createSlackSide } from "./app.js";
import { functions } from "./functions.js";

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config, { base: { side: "slack" } });
  const inngest = createInngestClient(config, { appId: slackAppId(config) });
  const { http } = createSlackSide({ config, inngest, functions });

  const server = await listen(http, config.http.webPort);
  logger.info({ port: portOf(server), config: redactConfig(config) }, "web (Slack side) listening");

  onShutdownSignal(logger, () => closeServer(server));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
