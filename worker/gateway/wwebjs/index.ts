import type { WorkerLogger } from "../../logger.js";
import {
  clearStaleProfileLocks,
  createWwebjsClient,
  sessionDir,
  type WwebjsClientOptions,
} from "./client.js";
import { WwebjsSupervisor, type SupervisorOptions } from "./supervisor.js";

export { WwebjsSupervisor, type SupervisorOptions } from "./supervisor.js";
export {
  buildClientOptions,
  clearStaleProfileLocks,
  CONTAINER_CHROMIUM_ARGS,
  createWwebjsClient,
  DEFAULT_CHROMIUM_PATH,
  sessionDir,
  type WwebjsClientOptions,
} from "./client.js";
export type { WaClient, WaClientFactory, WaMessageLike, WaBrowserLike } from "./wa-client.js";
export { backoffDelayMs, DEFAULT_BACKOFF, type BackoffOptions } from "./backoff.js";

export interface WwebjsTransportOptions
  extends
    Omit<SupervisorOptions, "createClient" | "clearStaleLocks" | "accountId">,
    Omit<WwebjsClientOptions, "clientId"> {
  /** The WhatsApp account id; also the LocalAuth clientId. */
  accountId: string;
  logger?: WorkerLogger;
}

/** The production transport: a supervisor over real whatsapp-web.js clients. */
export function createWwebjsTransport(options: WwebjsTransportOptions): WwebjsSupervisor {
  const clientOptions: WwebjsClientOptions = {
    clientId: options.accountId,
    authDir: options.authDir,
    ...(options.chromiumPath !== undefined ? { chromiumPath: options.chromiumPath } : {}),
    ...(options.headless !== undefined ? { headless: options.headless } : {}),
    ...(options.extraChromiumArgs ? { extraChromiumArgs: options.extraChromiumArgs } : {}),
    ...(options.authTimeoutMs !== undefined ? { authTimeoutMs: options.authTimeoutMs } : {}),
    ...(options.takeoverOnConflict !== undefined ? { takeoverOnConflict: options.takeoverOnConflict } : {}),
  };
  const profileDir = sessionDir(clientOptions);
  return new WwebjsSupervisor({
    ...options,
    createClient: () => createWwebjsClient(clientOptions),
    clearStaleLocks: async () => {
      const removed = await clearStaleProfileLocks(profileDir);
      if (removed.length > 0) options.logger?.warn({ removed }, "removed stale Chromium profile locks");
    },
  });
}
