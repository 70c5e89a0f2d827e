// The Inngest client, built from config. Dev mode talks to a local engine or dev server (no request
// signatures); cloud mode talks to Inngest Cloud or a self-hosted server with event and signing keys.
// Each side is its own Inngest app: one worker app per WhatsApp account, one Slack app.
import { Inngest } from "inngest";
import type { Logger } from "inngest";
import type { Config } from "./config/index.js";
import { isAccountId } from "./domain/account-id.js";

export interface InngestClientOptions {
  /** App id, from workerAppId(config) or slackAppId(config). */
  appId: string;
  /** Logger for function `ctx.logger` and SDK internals (a pino logger fits). */
  logger?: Logger;
  /** Replaces global fetch (tests). */
  fetch?: typeof fetch;
}

/** `<prefix>-worker-<account>`: each WhatsApp account's worker registers as its own app. */
export function workerAppId(config: Pick<Config, "inngest" | "whatsapp">): string {
  return `${config.inngest.appIdPrefix}-worker-${config.whatsapp.accountId}`;
}

/** `<prefix>-slack`: the Slack side (stateless; every instance is the same app). */
export function slackAppId(config: Pick<Config, "inngest">): string {
  return `${config.inngest.appIdPrefix}-slack`;
}

/**
 * Trigger condition that keeps a worker to its own WhatsApp account's events:
 * `triggers: [{ event: whatsappMessageReceived, if: accountCondition(config.whatsapp.accountId) }]`.
 * Account ids are validated ([a-z0-9-]) so the quoted literal is safe in CEL.
 */
export function accountCondition(accountId: string): string {
  if (!isAccountId(accountId)) throw new RangeError("invalid WhatsApp account id");
  return `event.data.accountId == '${accountId}'`;
}

/**
 * The id Inngest registers a function under: `<appId>-<fnId>`, and `<appId>-<fnId>-failure` for
 * its onFailure handler. This is the id `GET /runs?function=` filters on.
 */
export function registeredFunctionId(appId: string, fnId: string, kind: "main" | "failure" = "main"): string {
  return `${appId}-${fnId}${kind === "failure" ? "-failure" : ""}`;
}

/**
 * Builds the client. Every connection setting is passed explicitly so that what config validated is
 * what the SDK uses (the SDK would otherwise read INNGEST_* itself, and defaults to cloud mode).
 */
export function createInngestClient(config: Pick<Config, "inngest">, options: InngestClientOptions) {
  const { inngest } = config;
  return new Inngest({
    id: options.appId,
    isDev: inngest.mode === "dev",
    // Dev: always the local engine/dev server URL. Cloud: undefined means Inngest Cloud.
    ...(inngest.baseUrl !== undefined ? { baseUrl: inngest.baseUrl } : {}),
    ...(inngest.eventKey !== undefined ? { eventKey: inngest.eventKey } : {}),
    ...(inngest.signingKey !== undefined ? { signingKey: inngest.signingKey } : {}),
    ...(inngest.signingKeyFallback !== undefined ? { signingKeyFallback: inngest.signingKeyFallback } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
  });
}

export type InngestClient = ReturnType<typeof createInngestClient>;

/**
 * Replaces `process.env` by a plain copy of itself. The SDK reads the whole environment (every
 * variable, not only INNGEST_*) several times for each request it handles, whatever the client's
 * options, and each read of the live `process.env` calls into the runtime once per variable; a
 * plain object is read many times faster. For a composition root, once the configuration is
 * loaded: later assignments change the copy only (child processes, which get the copy, still see
 * them; the runtime's own environment, e.g. TZ, does not).
 */
export function useEnvironmentSnapshot(): void {
  process.env = { ...process.env };
}
