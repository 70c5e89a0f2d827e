// What every step of the approval workflow is given: the step tools, the Slack side's context with
// its Web API client, and the card as the post-card step left it (JSON-safe: that step's output).
import type { GetStepTools } from "inngest";
import type { InngestClient } from "../../../shared/inngest.js";
import type { SlackClient, SlackContext } from "../../context.js";

export type ApprovalStep = GetStepTools<InngestClient>;

export interface ApprovalWorkflowDeps extends SlackContext {
  client: SlackClient;
}

/** The approval card in the approvals channel, and when its order was created. */
export interface PostedCard {
  channel: string;
  ts: string;
  createdAtMs: number;
}
