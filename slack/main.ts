// Composition root of the `web` process (Procfile): the Slack side. A bad configuration (or a port
// already in use) stops it with one message and exit code 1, never a stack trace. With Slack
// credentials it needs MongoDB (MONGODB_URI): the listeners and the approval workflow decide there.
import { loadConfig, redactConfig, type Config } from "../shared/config/index.js";
import { connectDb, type DbHandle } from "../shared/db/index.js";
import { closeServer, listen, onShutdownSignal, portOf } from "../shared/http/index.js";
import { createInngestClient, slackAppId } from "../shared/inngest.js";
import { createLogger } from "../shared/logger.js";
import { createSlackSide } from "./app.js";

/** The database, when Slack is configured (the listeners need it); undefined when it is not. */
async function connectIfSlackConfigured(config: Config): Promise<DbHandle | undefined> {
  if (!config.slack.botToken || !config.slack.signingSecret) return undefined;
  if (!config.mongo.uri) {
    throw new Error(
      "MONGODB_URI is required with SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET: approvals and commands are decided in MongoDB. " +
        "Run `npm start` for the whole sandbox with the simulated Slack workspace.",
    );
  }
  return connectDb({ uri: config.mongo.uri, dbName: config.mongo.db, appName: slackAppId(config) });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config, { base: { side: "slack" } });
  const db = await connectIfSlackConfigured(config);
  if (!db)
    logger.warn("Slack is not configured (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET): /slack/events answers 503");
  const inngest = createInngestClient(config, { appId: slackAppId(config), logger });
  const { http } = createSlackSide({ config, inngest, logger, ...(db ? { db } : {}) });

  const server = await listen(http, config.http.webPort);
  logger.info({ port: portOf(server), config: redactConfig(config) }, "web (Slack side) listening");

  onShutdownSignal(logger, async () => {
    await closeServer(server);
    await db?.close();
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
