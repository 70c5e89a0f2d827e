// The approval card and everything the approvals channel shows about an order, as Block Kit. Pure:
// the order document and the clock reading in, message text and blocks out.
import type { OrderDoc } from "../../shared/db/index.js";
import type { Actor } from "../../shared/domain/actor.js";
import { formatMoney } from "../../shared/domain/money.js";
import { formatSlackTime, formatWait, mention } from "../format/time.js";
import { escapeMrkdwn } from "../format/escape.js";

export const DECISION_BLOCK_ID = "order_decision";
export const APPROVE_ACTION_ID = "order_approve";
export const REJECT_ACTION_ID = "order_reject";

export type Block = { type: string; [key: string]: unknown };
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

export interface CardClock {
  now: Date;
  timezone: string;
}

const SOURCE_TEXT: Record<OrderDoc["source"], string> = {
  agent: "the customer confirmed the order in WhatsApp",
  "promos-timeout": "the promotion offer timed out: ordered automatically (the chosen or the basic pack)",
  automation: "created by an automation",
  staff: "created by staff",
};

/** How the order came about, for the card. */
export function describeSource(source: OrderDoc["source"]): string {
  return SOURCE_TEXT[source];
}

function total(order: OrderDoc): string {
  return formatMoney({ amountMinor: order.totalMinor, currency: order.currency });
}

function itemLines(order: OrderDoc): string {
  return order.lines
    .map(
      (l) =>
        `• ${l.qty} × ${escapeMrkdwn(l.name)} (${escapeMrkdwn(l.pack)}) — ${formatMoney({
          amountMinor: l.lineTotalMinor,
          currency: order.currency,
        })}`,
    )
    .join("\n");
}

function orderBlocks(order: OrderDoc, expiresAt: Date, clock: CardClock): Block[] {
  const c = order.customer;
  return [
    { type: "header", text: { type: "plain_text", text: `Order ${order._id}`, emoji: true } },
    {
      type: "section",
      fields: [
        { type: "mrkdwn", text: `*Customer*\n${escapeMrkdwn(c.name)}` },
        { type: "mrkdwn", text: `*Phone*\n${escapeMrkdwn(c.phone)}` },
        { type: "mrkdwn", text: `*Address*\n${escapeMrkdwn(c.address)}, ${escapeMrkdwn(c.city)}` },
        { type: "mrkdwn", text: `*Total*\n${total(order)}` },
      ],
    },
    { type: "section", text: { type: "mrkdwn", text: `*Items*\n${itemLines(order)}` } },
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: `How: ${describeSource(order.source)} · Expires ${formatSlackTime(expiresAt, clock.now, clock.timezone)} if nobody decides`,
        },
      ],
    },
  ];
}

/** The card waiting for a decision: the order and two buttons. */
export function approvalCard(order: OrderDoc, expiresAt: Date, clock: CardClock): SlackMessage {
  return {
    text: `Order ${order._id} from ${order.customer.name}, ${total(order)}: waiting for approval`,
    blocks: [
      ...orderBlocks(order, expiresAt, clock),
      {
        type: "actions",
        block_id: DECISION_BLOCK_ID,
        elements: [
          {
            type: "button",
            action_id: APPROVE_ACTION_ID,
            style: "primary",
            value: order._id,
            text: { type: "plain_text", text: "Approve" },
            confirm: {
              title: { type: "plain_text", text: "Approve this order?" },
              text: {
                type: "mrkdwn",
                text: `The customer will be told that order ${order._id} (${total(order)}) is approved.`,
              },
              confirm: { type: "plain_text", text: "Approve" },
              deny: { type: "plain_text", text: "Cancel" },
            },
          },
          {
            type: "button",
            action_id: REJECT_ACTION_ID,
            style: "danger",
            value: order._id,
            text: { type: "plain_text", text: "Reject" },
          },
        ],
      },
    ],
  };
}

function actorText(actor: Actor | undefined): string {
  if (!actor) return "someone";
  if (actor.kind === "slack_user") return mention(actor.id);
  if (actor.kind === "system") return "the approval timeout";
  return actor.kind === "customer" ? "the customer" : "the agent";
}

/** One line saying how the order ended: "Approved by @x at 14:02", "Rejected by @x: <reason>". */
export function outcomeLine(order: OrderDoc, clock: CardClock, timeoutMs: number): string {
  const at = order.decidedAt ? ` at ${formatSlackTime(order.decidedAt, clock.now, clock.timezone)}` : "";
  switch (order.status) {
    case "approved":
      return `:white_check_mark: Approved by ${actorText(order.decidedBy)}${at}`;
    case "rejected":
      return `:x: Rejected by ${actorText(order.decidedBy)}${at}: ${escapeMrkdwn(order.reason ?? "no reason given")}`;
    case "expired":
      return `:hourglass: Expired, no decision in ${formatWait(timeoutMs)}`;
    case "cancelled":
      return `:no_entry_sign: Cancelled by ${actorText(order.decidedBy)}${at}`;
    case "pending_approval":
      return "Waiting for approval";
  }
}

/** The card after the decision: the same order, the buttons replaced by who decided and when. */
export function decidedCard(
  order: OrderDoc,
  expiresAt: Date,
  clock: CardClock,
  timeoutMs: number,
): SlackMessage {
  const line = outcomeLine(order, clock, timeoutMs);
  return {
    text: `Order ${order._id}: ${line.replace(/^:[a-z_]+: /, "")}`,
    blocks: [
      ...orderBlocks(order, expiresAt, clock),
      { type: "section", text: { type: "mrkdwn", text: line } },
    ],
  };
}

/** What someone who clicks too late is told, privately. */
export function alreadyDecidedText(order: OrderDoc, clock: CardClock, timeoutMs: number): string {
  const at = order.decidedAt ? ` at ${formatSlackTime(order.decidedAt, clock.now, clock.timezone)}` : "";
  const by = actorText(order.decidedBy);
  switch (order.status) {
    case "approved":
      return `Order ${order._id} was already approved by ${by}${at}. Nothing changed.`;
    case "rejected":
      return `Order ${order._id} was already rejected by ${by}${at}: ${escapeMrkdwn(order.reason ?? "no reason given")}. Nothing changed.`;
    case "expired":
      return `Order ${order._id} already expired${at} (no decision in ${formatWait(timeoutMs)}). Nothing changed.`;
    case "cancelled":
      return `Order ${order._id} was already cancelled${at}. Nothing changed.`;
    case "pending_approval":
      return `Order ${order._id} is still waiting for a decision.`;
  }
}

/** The reminder posted in the card's thread, mentioning everyone who may decide. */
export function reminderText(
  order: OrderDoc,
  deciderIds: readonly string[],
  expiresAt: Date,
  clock: CardClock,
): string {
  const who = deciderIds.length > 0 ? deciderIds.map(mention).join(" ") : "Approvers";
  return `${who} order ${order._id} (${escapeMrkdwn(order.customer.name)}, ${total(order)}) is still waiting for a decision. It expires ${formatSlackTime(expiresAt, clock.now, clock.timezone)}.`;
}
