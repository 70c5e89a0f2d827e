// A staff member's reply in a Slack handoff thread, sent to the customer on WhatsApp: at once (a
// person answering a customer who wrote, so no business-hours wait), through sendOnce under a key
// per Slack message, so Slack redelivering the event, or a retried step, sends it once. It is stored
// as an outbound message of origin "staff" with the staff member as author, so the agent reads it
// in the history when it resumes.
import { clock } from "../../shared/clock.js";
import type { Config } from "../../shared/config/index.js";
import { slackHandoffReplied, whatsappMessageSent } from "../../shared/events.js";
import { accountCondition, type InngestClient } from "../../shared/inngest.js";
import { e164Schema } from "../../shared/domain/phone.js";
import { sendOnce, type SendOnceDeps } from "../outbound/send-once.js";
import { sentEventId } from "../outbound/proactive-send.js";
import { toStepError } from "../outbound/step-errors.js";

export const SEND_STAFF_REPLY_ID = "send-staff-reply";

export interface StaffReplyDeps extends SendOnceDeps {
  inngest: InngestClient;
  config: Pick<Config, "whatsapp">;
}

/** One WhatsApp message per Slack message. */
export function staffReplyDedupeKey(channel: string, ts: string): string {
  return `staff:${channel}:${ts}`;
}

export function createSendStaffReply(deps: StaffReplyDeps) {
  return deps.inngest.createFunction(
    {
      id: SEND_STAFF_REPLY_ID,
      name: "Send a staff reply from Slack to the customer",
      triggers: [{ event: slackHandoffReplied, if: accountCondition(deps.config.whatsapp.accountId) }],
      retries: 20,
    },
    async ({ event, step, attempt }) => {
      const { accountId, conversationId, text, by, channel, ts } = event.data;
      const dedupeKey = staffReplyDedupeKey(channel, ts);
      const { result, sentAt } = await step.run("send", async () => {
        try {
          const conversation = await deps.db.conversations.getById(conversationId);
          const to = e164Schema.parse(conversation?.phone);
          const outcome = await sendOnce(deps, {
            accountId,
            conversationId,
            to,
            text,
            dedupeKey,
            origin: "staff",
            author: by,
            reason: "staff-reply",
          });
          return { result: outcome, sentAt: clock.now().toISOString() };
        } catch (error) {
          throw toStepError(error, attempt);
        }
      });
      if (result.status === "sent") {
        await step.sendEvent(
          "announce-sent",
          whatsappMessageSent.create(
            { accountId, conversationId, messageId: result.waMessageId, dedupeKey, sentAt },
            { id: sentEventId(accountId, dedupeKey) },
          ),
        );
      }
      return { status: result.status };
    },
  );
}
