// Modal submissions.
import type { App } from "@slack/bolt";
import type { SlackContext } from "../../context.js";
import { REJECT_VIEW_CALLBACK_ID } from "../../approvals/reject-modal.js";
import { rejectReasonSubmittedCallback } from "./reject-reason-submitted.js";

export function registerViews(app: App, ctx: SlackContext): void {
  app.view(REJECT_VIEW_CALLBACK_ID, rejectReasonSubmittedCallback(ctx));
}
