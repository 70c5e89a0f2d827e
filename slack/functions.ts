// The Inngest functions the Slack side serves. Capability folders add theirs to createSlackFunctions;
// test/shared/inngest-catalogue.test.ts checks the `functions` list against the event catalogue.
import type { InngestFunction } from "inngest";
import { loadConfig } from "../shared/config/index.js";
import { createInngestClient, slackAppId } from "../shared/inngest.js";
import { rolesFromConfig } from "./access/roles.js";
import { createApprovalWorkflow } from "./approvals/approval-workflow.js";
import { silentSlackLogger, type SlackClient, type SlackContext } from "./approvals/context.js";
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

/** Dependencies that only throw: enough to build the functions' configurations, never to run them. */
function inertDeps(): SlackFunctionDeps {
  const config = loadConfig({});
  const inert = new Proxy(
    {},
    {
      get: (_target, name) => {
        throw new Error(
          `inert Slack dependency used (${String(name)}): build functions with createSlackFunctions`,
        );
      },
    },
  );
  return {
    config,
    inngest: createInngestClient(config, { appId: slackAppId(config) }),
    db: inert as SlackFunctionDeps["db"],
    client: inert as SlackClient,
    roles: rolesFromConfig(config),
    logger: silentSlackLogger,
  };
}

/**
 * The same functions with inert dependencies, for the catalogue check (it reads triggers, keys and
 * handler source). Never serve this list: createSlackSide builds the real ones from a database.
 */
export const functions: InngestFunction.Any[] = createSlackFunctions(inertDeps());
