// The Inngest functions the Slack side serves. Capability folders add theirs to createSlackFunctions;
// test/shared/inngest-catalogue.test.ts reads their source and checks every one against the event catalogue.
import type { InngestFunction } from "inngest";
import { createApprovalWorkflow } from "./approvals/approval-workflow.js";
import type { SlackClient, SlackContext } from "./context.js";
import { createAutomationNotify, createAutomationTask } from "./automations/automation-messages.js";
import { createDailyDigest } from "./digest/daily-digest.js";
import { createRecordSessionStatus } from "./home/session-status.js";
import { createHandoffAutoResume } from "./handoff/auto-resume.js";
import { createHandoffCard } from "./handoff/handoff-card.js";
import { createMirrorInbound } from "./handoff/mirror-inbound.js";
import { createBrainFailureAlert } from "./ops/brain-failure-alert.js";
import { createFailureAlert } from "./ops/failure-alert.js";
import { createRetryOutcome } from "./ops/retry-outcome.js";

export interface SlackFunctionDeps extends SlackContext {
  /** Web API client the functions post with (the Bolt app's). */
  client: SlackClient;
}

/** Every Slack-side function, wired to its dependencies (slack/app.ts calls this). */
export function createSlackFunctions(deps: SlackFunctionDeps): InngestFunction.Any[] {
  return [
    createApprovalWorkflow(deps),
    createHandoffCard(deps),
    createMirrorInbound(deps),
    createHandoffAutoResume(deps),
    createFailureAlert(deps),
    createRetryOutcome(deps),
    createBrainFailureAlert(deps),
    createAutomationNotify(deps),
    createAutomationTask(deps),
    createDailyDigest(deps),
    createRecordSessionStatus(deps),
  ];
}
