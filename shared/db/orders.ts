// orders: created from a conversation with prices computed from the catalog, then decided once in
// Slack (or expired by the approval timeout). `_id` is the order id ("ORD-7K2M9QXA").
//
// Idempotency: a conversation has at most one open (pending_approval) order, enforced by a unique
// partial index; creating again while one is open returns the open one ("existing").
// Decisions: one findOneAndUpdate filtered on the statuses the transition table allows; the loser of
// a race gets the order as the winner left it (who decided, when, why).
import type { Collection, Db } from "mongodb";
import { z } from "zod";
import { clock } from "../clock.js";
import type { Actor } from "../domain/actor.js";
import { actorSchema } from "../domain/actor.js";
import type { CollectedField, CollectedFields } from "../domain/conversation.js";
import { missingFields } from "../domain/conversation.js";
import type { Currency } from "../domain/money.js";
import type { OrderDecision, OrderStatus } from "../domain/orders.js";
import {
  eventForDecision,
  normalizeDecisionReason,
  orderDecisionSchema,
  orderIdSchema,
  statusesAllowing,
} from "../domain/orders.js";
import type { OrderSelectionLine, PricedLine, PricingProblem } from "../domain/pricing.js";
import { orderSelectionSchema, priceOrder } from "../domain/pricing.js";
import type { CatalogRepo } from "./catalog.js";
import type { CollectionIndexes } from "./collections.js";
import { COLLECTIONS } from "./collections.js";
import type { ConversationsRepo } from "./conversations.js";
import { isDuplicateKeyError } from "./errors.js";
import { newOrderId } from "./ids.js";
import { parseInput } from "./validate.js";

/** Same values as the order/created event's `source`. */
export const ORDER_SOURCES = ["agent", "promos-timeout", "automation", "staff"] as const;
export type OrderSource = (typeof ORDER_SOURCES)[number];

export interface SlackMessageRef {
  channel: string;
  ts: string;
}

export interface OrderDoc {
  /** The order id, e.g. "ORD-7K2M9QXA" (events carry it as `orderId`). */
  _id: string;
  accountId: string;
  conversationId: string;
  contactId: string;
  status: OrderStatus;
  source: OrderSource;
  currency: Currency;
  /** Priced by code from the catalog (shared/domain/pricing.ts), in minor units. */
  lines: PricedLine[];
  totalMinor: number;
  /** Delivery data as collected and validated in the conversation. */
  customer: CollectedFields;
  createdAt: Date;
  updatedAt: Date;
  decidedBy?: Actor;
  decidedAt?: Date;
  reason?: string;
  /** The approval message in Slack, to update it after the decision. */
  slack?: SlackMessageRef & { postedAt: Date };
  /** Reminders sent to approvers while pending. */
  reminders: number;
  lastRemindedAt?: Date;
}

export const orderIndexes: CollectionIndexes = {
  collection: COLLECTIONS.orders,
  indexes: [
    {
      name: "one_open_order_per_conversation",
      key: { conversationId: 1 },
      unique: true,
      partialFilterExpression: { status: "pending_approval" },
    },
    { name: "conversation_created", key: { conversationId: 1, createdAt: -1 } },
    { name: "status_created", key: { status: 1, createdAt: 1 } },
  ],
};

const conversationIdSchema = z.string().min(1).max(64);
const createSchema = z
  .object({
    conversationId: conversationIdSchema,
    /** Packs chosen; defaults to the conversation's order draft. */
    lines: orderSelectionSchema.optional(),
    source: z.enum(ORDER_SOURCES),
  })
  .strict();
export type CreateOrderInput = z.input<typeof createSchema>;

const slackRefSchema = z
  .object({
    channel: z.string().regex(/^[CGD][A-Z0-9]{2,20}$/, "Slack channel id"),
    ts: z.string().regex(/^\d+\.\d+$/),
  })
  .strict();

export type CreateOrderResult =
  | { status: "created"; order: OrderDoc }
  /** An open order already exists for this conversation (a retried step, a double tool call). */
  | { status: "existing"; order: OrderDoc }
  | { status: "rejected"; reason: "conversation_not_found" }
  | { status: "rejected"; reason: "no_items" }
  | { status: "rejected"; reason: "customer_incomplete"; missing: CollectedField[] }
  | { status: "rejected"; reason: "pricing"; problem: PricingProblem };

export type DecideResult =
  | { outcome: "decided"; order: OrderDoc }
  | { outcome: "not_found" }
  /** Someone (or the timeout) decided first: nothing was written; here is what they decided. */
  | {
      outcome: "already_decided";
      status: OrderStatus;
      decidedBy?: Actor;
      decidedAt?: Date;
      reason?: string;
      order: OrderDoc;
    }
  | { outcome: "invalid"; error: string };

export interface OrdersRepo {
  createFromConversation(input: CreateOrderInput): Promise<CreateOrderResult>;
  getById(orderId: string): Promise<OrderDoc | null>;
  findOpenForConversation(conversationId: string): Promise<OrderDoc | null>;
  listByConversation(conversationId: string): Promise<OrderDoc[]>;
  /** Pending orders created before `createdBefore`, oldest first (timeout sweeps, reminders). */
  listPending(createdBefore?: Date): Promise<OrderDoc[]>;
  /** Atomic: succeeds only from pending_approval; exactly one of concurrent decisions wins. */
  decide(orderId: string, decision: OrderDecision, by: Actor, reason?: string): Promise<DecideResult>;
  /** Remembers the Slack approval message; `attached` is false if one was already recorded. */
  attachSlackMessage(
    orderId: string,
    ref: SlackMessageRef,
  ): Promise<{ attached: boolean; order: OrderDoc | null }>;
  /** Counts a reminder while the order is still pending; false once decided. */
  recordReminder(orderId: string): Promise<{ ok: boolean; reminders: number }>;
}

export function ordersRepo(
  db: Db,
  deps: { conversations: ConversationsRepo; catalog: CatalogRepo },
): OrdersRepo {
  const orders: Collection<OrderDoc> = db.collection<OrderDoc>(COLLECTIONS.orders);

  async function findOpen(conversationId: string): Promise<OrderDoc | null> {
    return orders.findOne({ conversationId, status: "pending_approval" });
  }

  return {
    async createFromConversation(raw) {
      const input = parseInput("orders.createFromConversation", createSchema, raw);
      const open = await findOpen(input.conversationId);
      if (open) return { status: "existing", order: open };

      const conversation = await deps.conversations.getById(input.conversationId);
      if (!conversation) return { status: "rejected", reason: "conversation_not_found" };
      const selection: OrderSelectionLine[] | undefined = input.lines ?? conversation.orderDraft?.lines;
      if (!selection || selection.length === 0) return { status: "rejected", reason: "no_items" };

      // The WhatsApp number is the contact phone unless the customer gave another one.
      const customer = { phone: conversation.phone, ...conversation.collected };
      const missing = missingFields(customer);
      if (missing.length > 0) return { status: "rejected", reason: "customer_incomplete", missing };

      const products = await deps.catalog.getBySkus([...new Set(selection.map((l) => l.sku))]);
      const priced = priceOrder(selection, products);
      if (!priced.ok) return { status: "rejected", reason: "pricing", problem: priced.problem };

      for (let attempt = 0; attempt < 3; attempt += 1) {
        const now = clock.now();
        const order: OrderDoc = {
          _id: newOrderId(),
          accountId: conversation.accountId,
          conversationId: conversation._id,
          contactId: conversation.contactId,
          status: "pending_approval",
          source: input.source,
          currency: priced.order.currency,
          lines: priced.order.lines,
          totalMinor: priced.order.totalMinor,
          customer: customer as CollectedFields,
          createdAt: now,
          updatedAt: now,
          reminders: 0,
        };
        try {
          await orders.insertOne(order);
          return { status: "created", order };
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          // Either a concurrent create for this conversation won, or (rarely) the random id collided.
          const winner = await findOpen(input.conversationId);
          if (winner) return { status: "existing", order: winner };
        }
      }
      throw new Error("orders.createFromConversation: could not allocate an order id");
    },

    async getById(orderId) {
      return orders.findOne({ _id: parseInput("orders.getById", orderIdSchema, orderId) });
    },

    async findOpenForConversation(conversationId) {
      return findOpen(parseInput("orders.findOpenForConversation", conversationIdSchema, conversationId));
    },

    async listByConversation(conversationId) {
      const id = parseInput("orders.listByConversation", conversationIdSchema, conversationId);
      return orders.find({ conversationId: id }).sort({ createdAt: -1 }).toArray();
    },

    async listPending(createdBefore) {
      const before =
        createdBefore === undefined ? undefined : parseInput("orders.listPending", z.date(), createdBefore);
      return orders
        .find({ status: "pending_approval", ...(before ? { createdAt: { $lt: before } } : {}) })
        .sort({ createdAt: 1 })
        .limit(500)
        .toArray();
    },

    async decide(orderIdRaw, decisionRaw, byRaw, reasonRaw) {
      const orderId = parseInput("orders.decide", orderIdSchema, orderIdRaw);
      const decision = parseInput("orders.decide", orderDecisionSchema, decisionRaw);
      const by = parseInput("orders.decide", actorSchema, byRaw);
      const reasonText =
        reasonRaw === undefined ? undefined : parseInput("orders.decide", z.string(), reasonRaw);
      const reason = normalizeDecisionReason(reasonText);
      if (!reason.ok) return { outcome: "invalid", error: reason.error };

      const now = clock.now();
      const decided = await orders.findOneAndUpdate(
        { _id: orderId, status: { $in: statusesAllowing(eventForDecision(decision)) } },
        {
          $set: {
            status: decision,
            decidedBy: by,
            decidedAt: now,
            updatedAt: now,
            ...(reason.reason ? { reason: reason.reason } : {}),
          },
        },
        { returnDocument: "after" },
      );
      if (decided) return { outcome: "decided", order: decided };

      const current = await orders.findOne({ _id: orderId });
      if (!current) return { outcome: "not_found" };
      return {
        outcome: "already_decided",
        status: current.status,
        order: current,
        ...(current.decidedBy ? { decidedBy: current.decidedBy } : {}),
        ...(current.decidedAt ? { decidedAt: current.decidedAt } : {}),
        ...(current.reason ? { reason: current.reason } : {}),
      };
    },

    async attachSlackMessage(orderIdRaw, refRaw) {
      const orderId = parseInput("orders.attachSlackMessage", orderIdSchema, orderIdRaw);
      const ref = parseInput("orders.attachSlackMessage", slackRefSchema, refRaw);
      const now = clock.now();
      const updated = await orders.findOneAndUpdate(
        { _id: orderId, slack: { $exists: false } },
        { $set: { slack: { ...ref, postedAt: now }, updatedAt: now } },
        { returnDocument: "after" },
      );
      if (updated) return { attached: true, order: updated };
      return { attached: false, order: await orders.findOne({ _id: orderId }) };
    },

    async recordReminder(orderIdRaw) {
      const orderId = parseInput("orders.recordReminder", orderIdSchema, orderIdRaw);
      const now = clock.now();
      const updated = await orders.findOneAndUpdate(
        { _id: orderId, status: "pending_approval" },
        { $inc: { reminders: 1 }, $set: { lastRemindedAt: now, updatedAt: now } },
        { returnDocument: "after", projection: { reminders: 1 } },
      );
      if (updated) return { ok: true, reminders: updated.reminders };
      const current = await orders.findOne({ _id: orderId }, { projection: { reminders: 1 } });
      return { ok: false, reminders: current?.reminders ?? 0 };
    },
  };
}
