// Slash commands (declared in manifest.yml).
import type { App } from "@slack/bolt";
import type { SlackContext } from "../../context.js";
import { automationCommandCallback } from "./automation-command.js";
import { botCommandCallback } from "./bot-command.js";
import { ordersCommandCallback } from "./orders-command.js";

export function registerCommands(app: App, ctx: SlackContext): void {
  app.command("/automation", automationCommandCallback(ctx));
  app.command("/orders", ordersCommandCallback(ctx));
  app.command("/bot", botCommandCallback(ctx));
}
