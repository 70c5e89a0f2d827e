// What the automation functions need. `resolve` and `fetch`-like seams are for tests only; the real
// DNS resolver and HTTP client are the defaults.
import type { Config } from "../../shared/config/index.js";
import type { DbHandle } from "../../shared/db/index.js";
import type { InngestClient } from "../../shared/inngest.js";
import type { Resolver } from "./webhook.js";

export interface AutomationDeps {
  config: Pick<Config, "whatsapp" | "automations">;
  inngest: InngestClient;
  db: DbHandle;
  /** DNS resolution for webhooks (default: the system resolver). */
  resolve?: Resolver;
}
