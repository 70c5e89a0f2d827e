// Buttons.
import type { App } from "@slack/bolt";
import type { BlockAction, ButtonAction } from "@slack/bolt";
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from "../../approvals/card.js";
import type { SlackContext } from "../../context.js";
import { approveOrderCallback } from "./approve-order.js";
import { rejectOrderCallback } from "./reject-order.js";
import { RESUME_ACTION_ID } from "../../handoff/card.js";
import { resumeBotCallback } from "./resume-bot.js";
import { RETRY_ACTION_ID } from "../../ops/alert-card.js";
import { retryFailedRunCallback } from "./retry-failed-run.js";

export function registerActions(app: App, ctx: SlackContext): void {
  app.action<BlockAction<ButtonAction>>(APPROVE_ACTION_ID, approveOrderCallback(ctx));
  app.action<BlockAction<ButtonAction>>(REJECT_ACTION_ID, rejectOrderCallback(ctx));
  app.action<BlockAction<ButtonAction>>(RESUME_ACTION_ID, resumeBotCallback(ctx));
  app.action<BlockAction<ButtonAction>>(RETRY_ACTION_ID, retryFailedRunCallback(ctx));
}
