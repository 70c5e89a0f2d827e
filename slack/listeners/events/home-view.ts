// The App Home tab: what waits (approvals oldest first, conversations with a person), the
// automations, each WhatsApp account's session, today's orders, and what the person may do. Pure.
import { formatMoney } from "../../../shared/domain/money.js";
import type { Block } from "../../approvals/card.js";
import { escapeMrkdwn } from "../../format/escape.js";
import { formatSlackTime } from "../../format/time.js";
import type { HomeFacts } from "../../home/home-facts.js";

export interface HomeViewFacts {
  pendingOrders: number;
  isAdmin: boolean;
  canDecide: boolean;
  facts?: HomeFacts;
  now?: Date;
  timezone?: string;
}

type Money = Parameters<typeof formatMoney>[0];

function section(text: string): Block {
  return { type: "section", text: { type: "mrkdwn", text } };
}

function linked(text: string, link?: string): string {
  return link ? `<${link}|${text}>` : text;
}

function detailBlocks(f: HomeFacts, now: Date, timezone: string): Block[] {
  const when = (d: Date) => formatSlackTime(d, now, timezone);
  const money = (amountMinor: number, currency: string) => formatMoney({ amountMinor, currency } as Money);
  const pending =
    f.pending.length === 0
      ? "Nothing waits for approval."
      : f.pending
          .map(
            (o) =>
              `• ${linked(`${escapeMrkdwn(o.name)}: ${money(o.totalMinor, o.currency)}`, o.link)} (since ${when(o.createdAt)})`,
          )
          .join("\n") +
        (f.pendingCount > f.pending.length ? `\n…and ${f.pendingCount - f.pending.length} more` : "");
  const handoffs =
    f.handoffs.length === 0
      ? "No conversation is with a person."
      : f.handoffs
          .map(
            (h) =>
              `• ${linked(`${escapeMrkdwn(h.name ?? "Customer")} (${h.phone})`, h.link)} since ${when(h.since)}`,
          )
          .join("\n");
  const automations =
    f.automations.length === 0
      ? "No automations."
      : f.automations
          .map(
            (a) =>
              `• ${a.enabled ? ":large_green_circle:" : ":white_circle:"} ${escapeMrkdwn(a.name)}: ${a.enabled ? "enabled" : "disabled"}` +
              (a.lastRun ? `, last run ${when(a.lastRun.at)} (${a.lastRun.status})` : ", never run"),
          )
          .join("\n");
  const sessions =
    f.sessions.length === 0
      ? "No WhatsApp account has reported yet."
      : f.sessions
          .map((s) => `• \`${escapeMrkdwn(s.accountId)}\`: ${s.status} (since ${when(s.at)})`)
          .join("\n");
  return [
    { type: "divider" },
    section(`*Pending approvals (${f.pendingCount})*, oldest first\n${pending}`),
    section(`*Conversations with a person (${f.handoffs.length})*\n${handoffs}`),
    section(`*Today's orders*: ${f.today.count} (${money(f.today.amountMinor, f.today.currency)})`),
    section(`*Automations*\n${automations}`),
    section(`*WhatsApp*\n${sessions}`),
  ];
}

export function homeView(facts: HomeViewFacts): { type: "home"; blocks: Block[] } {
  const role = facts.isAdmin ? "an admin (and approver)" : facts.canDecide ? "an approver" : "a member";
  const commands = [
    facts.canDecide ? "• `/orders pending`: orders waiting for approval, oldest first" : undefined,
    facts.canDecide
      ? "• `/bot pause <phone>` / `/bot resume <phone>`: take a conversation over, give it back"
      : undefined,
    facts.isAdmin ? "• `/automation list|status|enable|disable <name>`: CRM automations" : undefined,
  ].filter(Boolean);
  return {
    type: "home",
    blocks: [
      { type: "header", text: { type: "plain_text", text: "Sales bot" } },
      section(
        `Orders from WhatsApp wait for approval in the approvals channel. *${facts.pendingOrders}* waiting now.\nYou are ${role}.`,
      ),
      section(commands.length > 0 ? commands.join("\n") : "Ask an admin if you should approve orders."),
      ...(facts.facts ? detailBlocks(facts.facts, facts.now ?? new Date(), facts.timezone ?? "UTC") : []),
    ],
  };
}
