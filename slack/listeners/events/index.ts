// Events API events (Bolt acks them before the listener runs).
import type { App } from "@slack/bolt";
import type { SlackContext } from "../../context.js";
import { appHomeOpenedCallback } from "./app-home-opened.js";
import { handoffThreadReplyCallback } from "./handoff-thread-reply.js";

export function registerEvents(app: App, ctx: SlackContext): void {
  app.event("app_home_opened", appHomeOpenedCallback(ctx));
  app.event("message", handoffThreadReplyCallback(ctx));
}
