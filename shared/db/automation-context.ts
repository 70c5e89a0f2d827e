// The context automation conditions and variables read: the contact, the conversation, the order the
// trigger is about, and the trigger event's data, as plain JSON (dates as ISO text), so that the
// runner can keep it in a step's memo and the dry run can show it.
import type { AutomationContext } from "../domain/automations-conditions.js";
import { formatMoney } from "../domain/money.js";
import type { ContactDoc } from "./contacts.js";
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
    lastSeenAt: iso(contact.lastSeenAt),
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
  const [contact, conversation, order] = await Promise.all([
    scope.contactId ? db.contacts.getById(scope.contactId) : Promise.resolve(null),
    scope.conversationId ? db.conversations.getById(scope.conversationId) : Promise.resolve(null),
    scope.orderId ? db.orders.getById(scope.orderId) : Promise.resolve(null),
  ]);
  return {
    ...(contact ? { contact: contactView(contact, conversation) } : {}),
    ...(conversation ? { conversation: conversationView(conversation) } : {}),
    ...(order ? { order: orderView(order) } : {}),
    event: { name: event.name, ...event.data },
  };
}
