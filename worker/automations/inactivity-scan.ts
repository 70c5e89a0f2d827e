// contact.inactive: every hour, for each inactivity period the enabled automations use (30 days...),
// find this account's conversations whose last inbound message is older than that and announce
// `crm/contact.inactive` once per period: the claim key holds the last inbound time, so a customer
// who writes again starts a new period. Only conversations that crossed the threshold within the
// last LOOKBACK_DAYS are considered, so the claim (kept 90 days) always outlives its period's window.
import { clock } from "../../shared/clock.js";
import { findInactiveConversations } from "../../shared/db/automation-crm.js";
import { crmContactInactive } from "../../shared/events.js";
import type { AutomationDeps } from "./deps.js";

export const INACTIVITY_SCAN_FUNCTION_ID = "automation-inactivity-scan";
export const INACTIVITY_SCAN_CRON = "0 * * * *";
const DAY_MS = 86_400_000;
const LOOKBACK_DAYS = 60;
const CLAIM_TTL_MS = 90 * DAY_MS;

export function inactiveEventId(contactId: string, days: number, lastInboundMs: number): string {
  return `inactive:${contactId}:${days}:${lastInboundMs}`;
}

export function createInactivityScan(deps: AutomationDeps) {
  const { db, inngest } = deps;
  const accountId = deps.config.whatsapp.accountId;
  return inngest.createFunction(
    {
      id: INACTIVITY_SCAN_FUNCTION_ID,
      name: "Automations: announce contacts who stopped writing",
      triggers: [{ cron: INACTIVITY_SCAN_CRON }],
      singleton: { mode: "skip" },
    },
    async ({ step }) =>
      step.run("scan", async () => {
        const automations = await db.automations.listEnabledForTrigger("contact.inactive");
        const periods = [
          ...new Set(
            automations.flatMap((a) =>
              a.trigger.type === "contact.inactive" ? [a.trigger.config.days] : [],
            ),
          ),
        ];
        const nowMs = clock.nowMs();
        let announced = 0;
        for (const days of periods) {
          const threshold = nowMs - days * DAY_MS;
          const conversations = await findInactiveConversations(db.db, accountId, new Date(threshold));
          for (const conversation of conversations) {
            const last = conversation.lastInboundAt;
            if (!last || last.getTime() < threshold - LOOKBACK_DAYS * DAY_MS) continue;
            const id = inactiveEventId(conversation.contactId, days, last.getTime());
            const { first } = await db.dedupe.claim("automation.inactive", id, CLAIM_TTL_MS);
            if (!first) continue;
            await inngest.send(
              crmContactInactive.create(
                {
                  accountId,
                  conversationId: conversation._id,
                  contactId: conversation.contactId,
                  days,
                  lastInboundAt: last.toISOString(),
                  at: new Date(nowMs).toISOString(),
                },
                { id },
              ),
            );
            announced += 1;
          }
        }
        return { periods, announced };
      }),
  );
}
