// The functions each side serves, built as worker/app.ts and slack/app.ts build them. Building runs no step and
// touches no database, so tests read their options (ids, triggers, flow control) without servers.
import { loadConfig } from "../../shared/config/index.js";
import type { DbHandle } from "../../shared/db/index.js";
import { createInngestClient, slackAppId, workerAppId } from "../../shared/inngest.js";
import { rolesFromConfig } from "../../slack/access/roles.js";
import { silentSlackLogger, type SlackClient } from "../../slack/context.js";
import { createSlackFunctions } from "../../slack/functions.js";
import type { Transport } from "../../worker/gateway/transport.js";
import { createWorkerFunctions } from "../../worker/functions.js";

export function servedByWorker() {
  const config = loadConfig({});
  return createWorkerFunctions({
    config,
    inngest: createInngestClient(config, { appId: workerAppId(config) }),
    db: {} as DbHandle,
    transport: {} as Transport,
  });
}

export function servedBySlack() {
  const config = loadConfig({});
  return createSlackFunctions({
    config,
    inngest: createInngestClient(config, { appId: slackAppId(config) }),
    db: {} as DbHandle,
    client: {} as SlackClient,
    roles: rolesFromConfig(config),
    logger: silentSlackLogger,
  });
}
