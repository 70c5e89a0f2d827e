// The context automation conditions and variables read: the contact, the conversation, the order the
// trigger is about, and the trigger event's data, as plain JSON (dates as ISO text), so that the
// runner can keep it in a step's memo and the dry run can show it.
import type { AutomationContext } from "../domain/automations-conditions.js";
import { formatMoney } from "../domain/money.js";
import type { ContactDoc } from "./contacts.js";
import { InvalidInputError } from "./errors.js";
import type { ConversationDoc } from "./conversations.js";
import type { OrderDoc } from "./orders.js";
import type { Repositories } from "./repositories.js";

export type ContextRepos = Pick<Repositories, "contacts" | "conversations" | "orders">;

export interface ContextScope {
  contactId?: string | undefined;
  conversationId?: string | undefined;
  orderId?: string | undefined;
}

const iso = (d: Date | undefined) => (d ? d.toISOString() : undefined);
const latest = (a: Date, b: Date | undefined) => (b && b > a ? b : a);

export function contactView(
  contact: ContactDoc,
  conversation: ConversationDoc | null,
): Record<string, unknown> {
  return {
    id: contact._id,
    phone: contact.phone,
    name: conversation?.collected.name ?? contact.profileName ?? "",
    profileName: contact.profileName,
    tags: contact.tags,
    pipeline: contact.stage?.pipeline,
    stage: contact.stage?.stage,
    fields: contact.fields ?? {},
    city: conversation?.collected.city,
    address: conversation?.collected.address,
    createdAt: iso(contact.createdAt),
    // The contact is stamped when it changes; every message stamps the conversation.
    lastSeenAt: iso(latest(contact.lastSeenAt, conversation?.lastInboundAt)),
  };
}

export function conversationView(conversation: ConversationDoc): Record<string, unknown> {
  return {
    id: conversation._id,
    mode: conversation.mode,
    optedOut: conversation.optedOut,
    collected: conversation.collected,
    lastInboundAt: iso(conversation.lastInboundAt),
    lastOutboundAt: iso(conversation.lastOutboundAt),
  };
}

export function orderView(order: OrderDoc): Record<string, unknown> {
  return {
    id: order._id,
    status: order.status,
    source: order.source,
    totalMinor: order.totalMinor,
    total: formatMoney({ amountMinor: order.totalMinor, currency: order.currency }),
    currency: order.currency,
    items: order.lines.reduce((n, line) => n + line.qty, 0),
    createdAt: iso(order.createdAt),
  };
}

/** Loads what the scope names; whatever is missing is simply absent from the context. */
export async function loadAutomationContext(
  db: ContextRepos,
  scope: ContextScope,
  event: { name: string; data: Record<string, unknown> },
): Promise<AutomationContext> {
  // An id the data layer refuses (malformed) reads as "not found": the event's data is the customer's
  // business, not a reason to fail the run.
  const orNull = <T>(read: () => Promise<T | null>) =>
    read().catch((error: unknown) => {
      if (error instanceof InvalidInputError) return null;
      throw error;
    });
  const { contactId, conversationId, orderId } = scope;
  const [contact, conversation, order] = await Promise.all([
    contactId ? orNull(() => db.contacts.getById(contactId)) : null,
    conversationId ? orNull(() => db.conversations.getById(conversationId)) : null,
    orderId ? orNull(() => db.orders.getById(orderId)) : null,
  ]);
  return {
    ...(contact ? { contact: contactView(contact, conversation) } : {}),
    ...(conversation ? { conversation: conversationView(conversation) } : {}),
    ...(order ? { order: orderView(order) } : {}),
    event: { name: event.name, ...event.data },
  };
}
