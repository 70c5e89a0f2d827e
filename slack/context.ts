// What every part of the Slack side shares (listeners and Inngest functions): the database, the
// Inngest client, the settings, roles and the logger; and the Web API client type they post with.
import type { webApi } from "@slack/bolt";
import type { Config } from "../shared/config/index.js";
import type { DbHandle } from "../shared/db/index.js";
import type { InngestClient } from "../shared/inngest.js";
import type { SlackRoles } from "./access/roles.js";

export type SlackClient = Pick<webApi.WebClient, "chat" | "views">;

/** Only what logs need; pino fits. */
export interface SlackLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface SlackContext {
  config: Config;
  db: DbHandle;
  inngest: InngestClient;
  roles: SlackRoles;
  logger: SlackLogger;
}

export const silentSlackLogger: SlackLogger = { info: () => {}, warn: () => {}, error: () => {} };
