// The functions the worker serves, built as worker/app.ts builds them. Building runs no step and
// touches no database, so tests read their options (ids, triggers, flow control) without servers.
import { loadConfig } from "../../shared/config/index.js";
import type { DbHandle } from "../../shared/db/index.js";
import { createInngestClient, workerAppId } from "../../shared/inngest.js";
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
