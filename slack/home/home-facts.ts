// What the Home tab shows, read from MongoDB: pending approvals (oldest first, linked to their cards),
// conversations with a person (linked to their threads), automations with their state and last run,
// each WhatsApp account's session, and today's orders.
import { clock } from "../../shared/clock.js";
import { localDay, zonedTimeToUtc } from "../../shared/domain/business-hours.js";
import { COLLECTIONS } from "../../shared/db/index.js";
import { orderTotals } from "../figures/order-totals.js";
import type { SlackClient, SlackContext } from "../context.js";
import type { WhatsappSessionDoc } from "./session-status.js";

export interface HomeFacts {
  pending: {
    orderId: string;
    name: string;
    totalMinor: number;
    currency: string;
    createdAt: Date;
    link?: string;
  }[];
  pendingCount: number;
  handoffs: { phone: string; name?: string; since: Date; link?: string }[];
  automations: { name: string; enabled: boolean; lastRun?: { status: string; at: Date } }[];
  sessions: { accountId: string; status: string; at: Date }[];
  today: { count: number; amountMinor: number; currency: string };
}

const LIST = 10;

async function link(client: SlackClient, ref: { channel: string; ts: string } | undefined) {
  if (!ref) return undefined;
  try {
    return (await client.chat.getPermalink({ channel: ref.channel, message_ts: ref.ts })).permalink;
  } catch {
    return undefined;
  }
}

export async function homeFacts(ctx: SlackContext, client: SlackClient): Promise<HomeFacts> {
  const { db } = ctx;
  const pendingOrders = await db.orders.listPending();
  const pending = await Promise.all(
    pendingOrders.slice(0, LIST).map(async (o) => {
      const permalink = await link(client, o.slack);
      return {
        orderId: o._id,
        name: o.customer.name,
        totalMinor: o.totalMinor,
        currency: o.currency,
        createdAt: o.createdAt,
        ...(permalink ? { link: permalink } : {}),
      };
    }),
  );
  const open = await db.handoffThreads.listOpen(50);
  const handoffs: HomeFacts["handoffs"] = [];
  for (const thread of open) {
    const conversation = await db.conversations.getById(thread.conversationId);
    if (conversation?.mode !== "handoff" || conversation.episode !== thread.episode) continue;
    const permalink = await link(client, thread.card);
    const name =
      conversation.collected.name ?? (await db.contacts.getById(conversation.contactId))?.profileName;
    handoffs.push({
      phone: conversation.phone,
      ...(name ? { name } : {}),
      since: thread.startedAt,
      ...(permalink ? { link: permalink } : {}),
    });
    if (handoffs.length >= LIST) break;
  }
  const executions = db.db.collection(COLLECTIONS.automationExecutions);
  const automations = await Promise.all(
    (await db.automations.list()).map(async (a) => {
      const last = await executions.findOne(
        { automationId: a._id, status: { $ne: "not_matched" } },
        { sort: { startedAt: -1 }, projection: { status: 1, startedAt: 1 } },
      );
      return {
        name: a.name,
        enabled: a.enabled,
        ...(last ? { lastRun: { status: String(last["status"]), at: last["startedAt"] as Date } } : {}),
      };
    }),
  );
  const sessions = (
    await db.db
      .collection<WhatsappSessionDoc>(COLLECTIONS.whatsappSessions)
      .find({}, { sort: { _id: 1 } })
      .toArray()
  ).map((s) => ({ accountId: s._id, status: s.status, at: s.at }));
  const tz = ctx.config.business.timezone;
  const [y, m, d] = localDay(clock.now(), tz).split("-").map(Number) as [number, number, number];
  const from = new Date(zonedTimeToUtc({ year: y, month: m, day: d }, 0, tz));
  const [today] = await orderTotals(db.db, { createdAt: { $gte: from } });
  return {
    pending,
    pendingCount: pendingOrders.length,
    handoffs,
    automations,
    sessions,
    today: {
      count: today?.count ?? 0,
      amountMinor: today?.amountMinor ?? 0,
      currency: today?.currency ?? "MXN",
    },
  };
}
