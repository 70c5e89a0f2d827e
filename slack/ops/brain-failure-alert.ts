// The agent's model failed for good (`agent/brain.failed`: Anthropic down, a bad key): one ops
// alert per WhatsApp account per BRAIN_ALERT_WINDOW, not one per customer message. Customers get a
// polite fallback meanwhile; there is nothing to retry, so the alert has no button.
import { agentBrainFailed } from "../../shared/events.js";
import { formatWait } from "../format/time.js";
import { escapeMrkdwn } from "../format/escape.js";
import { oneLineError } from "./alert-card.js";
import type { OpsDeps } from "./failure-alert.js";

export const BRAIN_FAILURE_ALERT_ID = "ops-brain-failure-alert";

export function createBrainFailureAlert(deps: OpsDeps) {
  const windowMs = deps.config.slack.brainAlertWindowMs;
  return deps.inngest.createFunction(
    {
      id: BRAIN_FAILURE_ALERT_ID,
      name: "Alert the ops channel when the agent's model fails",
      triggers: [{ event: agentBrainFailed }],
      rateLimit: {
        key: "event.data.accountId",
        limit: 1,
        period: `${Math.max(1, Math.round(windowMs / 1000))}s`,
      },
    },
    async ({ event, step }) => {
      const { accountId, kind, status, message } = event.data;
      await step.run("alert", async () => {
        const error = oneLineError({ message });
        const text =
          `:warning: *The sales agent's model is failing* (WhatsApp account \`${escapeMrkdwn(accountId)}\`): ` +
          `${escapeMrkdwn(kind)}${status ? ` (HTTP ${status})` : ""}: ${escapeMrkdwn(error)}\n` +
          `Customers get a polite fallback reply. Further failures within ${formatWait(windowMs)} are not posted again.`;
        await deps.client.chat.postMessage({ channel: deps.config.slack.opsChannel, text });
      });
      return { alerted: true };
    },
  );
}
