// Every Slack listener, registered on the Bolt app (one file per callback, as in Slack's bolt-ts
// starter template).
import type { App } from "@slack/bolt";
import type { SlackContext } from "../context.js";
import { registerActions } from "./actions/index.js";
import { registerCommands } from "./commands/index.js";
import { registerEvents } from "./events/index.js";
import { ignoreRetries } from "./ignore-retries.js";
import { registerViews } from "./views/index.js";

export function registerListeners(app: App, ctx: SlackContext): void {
  app.use(ignoreRetries);
  registerActions(app, ctx);
  registerViews(app, ctx);
  registerCommands(app, ctx);
  registerEvents(app, ctx);
}
