// The WhatsApp session state of each account, as the workers announce it, kept for the Home tab.
// A late, older announcement never overwrites a newer one.
import { whatsappSessionStatusChanged } from "../../shared/events.js";
import { COLLECTIONS } from "../../shared/db/index.js";
import type { SlackContext } from "../context.js";

export const RECORD_SESSION_STATUS_ID = "record-whatsapp-session-status";

export interface WhatsappSessionDoc {
  _id: string;
  status: string;
  reason?: string;
  at: Date;
}

export function createRecordSessionStatus(deps: SlackContext) {
  return deps.inngest.createFunction(
    {
      id: RECORD_SESSION_STATUS_ID,
      name: "Keep each WhatsApp account's session state for the Home tab",
      triggers: [{ event: whatsappSessionStatusChanged }],
    },
    async ({ event, step }) => {
      const { accountId, status, reason, at } = event.data;
      await step.run("record", async () => {
        const sessions = deps.db.db.collection<WhatsappSessionDoc>(COLLECTIONS.whatsappSessions);
        const when = new Date(at);
        const doc = { status, at: when, reason: reason ? reason.slice(0, 200) : "" };
        const updated = await sessions.updateOne({ _id: accountId, at: { $lt: when } }, { $set: doc });
        if (updated.matchedCount === 0) {
          await sessions.updateOne({ _id: accountId }, { $setOnInsert: doc }, { upsert: true });
        }
      });
      return { accountId, status };
    },
  );
}
