// The event catalogue: every event the product sends or awaits, declared once with `eventType(name, { schema })`.
// Names are `{source}/{entity}.{action}`; the order events keep the short names the architecture uses
// (`order/created`, `order/decided`: the order domain is both source and entity). Conversation-scoped events carry `conversationId`, order-scoped
// events carry `orderId` (and every event a worker consumes carries `accountId`, so that each WhatsApp
// account's worker takes only its own events). `waitForEvent`/`cancelOn` match only on those keys;
// test/shared/inngest-catalogue.test.ts checks every served function against this file.
// Event schemas must not transform (the SDK refuses transforms) and should carry ids, not documents.
import { EventType, eventType } from "inngest";
import type { StandardSchemaV1 } from "inngest";
import { z } from "zod";
import { accountIdSchema } from "./domain/account-id.js";
import { CONVERSATION_MODES, type ConversationMode } from "./domain/conversation.js";
import { MESSAGE_KINDS } from "./domain/message-kinds.js";
import { e164Schema } from "./domain/phone.js";

// ---- shared field schemas ----

const id = z.string().min(1).max(200);
const isoTime = z.iso.datetime({ offset: true });

export const conversationModes = CONVERSATION_MODES;
export type { ConversationMode };
const mode = z.enum(conversationModes);

export const messageTypes = MESSAGE_KINDS;
export type MessageType = (typeof messageTypes)[number];

export const orderDecisions = ["approved", "rejected", "expired"] as const;
export type OrderDecision = (typeof orderDecisions)[number];

/** Money in minor units (centavos), so no float ever holds a price. */
const money = z.object({
  amountMinor: z.number().int().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/),
});

/** Fields every conversation-scoped event carries. */
const conversationScope = { accountId: accountIdSchema, conversationId: id };
/** Fields every CRM (automation trigger) event carries; cascadeDepth counts automation-caused hops. */
const crmScope = {
  ...conversationScope,
  contactId: id,
  cascadeDepth: z.number().int().min(0).max(100).optional(),
};

// ---- whatsapp/* : the gateway (worker) ----

/** A customer's message arrived. Event id: `wa:<accountId>:<messageId>` (see inboundMessageEventId). */
export const whatsappMessageReceived = eventType("whatsapp/message.received", {
  schema: z.object({
    ...conversationScope,
    contactId: id,
    /** WhatsApp's message id. */
    messageId: id,
    phone: e164Schema,
    /** Display name the customer set in WhatsApp, if any. */
    name: z.string().max(200).optional(),
    /** Normalized text; media become a placeholder like "[image]". */
    text: z.string().max(5_000),
    type: z.enum(messageTypes),
    receivedAt: isoTime,
  }),
});

/** Ask the proactive sender (throttled per recipient and account) to send a message nobody replied to. */
export const whatsappMessageSendRequested = eventType("whatsapp/message.send-requested", {
  schema: z.object({
    ...conversationScope,
    to: e164Schema,
    text: z.string().min(1).max(4_096),
    /** Unique per intended message: a retried request never sends twice. */
    dedupeKey: id,
    /** Why we write first, e.g. "data-collection-nudge", "promos-timeout", "order-approved", "automation". */
    reason: z.string().min(1).max(64),
  }),
});

/** An outbound message was handed to WhatsApp. */
export const whatsappMessageSent = eventType("whatsapp/message.sent", {
  schema: z.object({
    ...conversationScope,
    messageId: id,
    dedupeKey: id,
    sentAt: isoTime,
  }),
});

const optChange = z.object({
  ...conversationScope,
  contactId: id,
  phone: e164Schema,
  /** The keyword the customer wrote (upper case), e.g. "STOP". */
  keyword: z.string().min(1).max(64),
  at: isoTime,
});
export const whatsappContactOptedOut = eventType("whatsapp/contact.opted-out", { schema: optChange });
export const whatsappContactOptedIn = eventType("whatsapp/contact.opted-in", { schema: optChange });

export const sessionStatuses = ["starting", "qr", "ready", "disconnected", "failed"] as const;
/** The WhatsApp session of an account changed state (for Slack alerts and the sandbox page). */
export const whatsappSessionStatusChanged = eventType("whatsapp/session.status-changed", {
  schema: z.object({
    accountId: accountIdSchema,
    status: z.enum(sessionStatuses),
    reason: z.string().max(500).optional(),
    at: isoTime,
  }),
});

// ---- agent/* : the sales agent (worker) ----

/** The conversation moved between modes (the data-collection timer starts on `to == "collecting_data"`). */
export const agentModeChanged = eventType("agent/mode.changed", {
  schema: z.object({
    ...conversationScope,
    contactId: id,
    from: mode,
    to: mode,
    at: isoTime,
  }),
});

/** Promotions (packs) were offered; the promos timer starts here. */
export const agentPromosOffered = eventType("agent/promos.offered", {
  schema: z.object({
    ...conversationScope,
    contactId: id,
    packIds: z.array(id).min(1),
    offeredAt: isoTime,
  }),
});

export const handoffReasons = ["customer-asked", "model-requested", "cost-cap", "brain-error"] as const;
/** A human should take over the conversation (posted to Slack). */
export const agentHandoffRequested = eventType("agent/handoff.requested", {
  schema: z.object({
    ...conversationScope,
    contactId: id,
    reason: z.enum(handoffReasons),
    /** Short, PII-free summary for the staff. */
    summary: z.string().max(1_000).optional(),
    at: isoTime,
  }),
});

/** The brain failed with a non-retriable error; the customer got a polite fallback. An alert for Slack. */
export const agentBrainFailed = eventType("agent/brain.failed", {
  schema: z.object({
    ...conversationScope,
    /** e.g. "anthropic-api", "invalid-tool-arguments". */
    kind: z.string().min(1).max(64),
    /** HTTP status of the model API, when there was one. */
    status: z.number().int().optional(),
    /** Error message without customer data. */
    message: z.string().max(2_000),
    at: isoTime,
  }),
});

// ---- order/* : orders and their approval ----

export const orderSources = ["agent", "promos-timeout", "automation", "staff"] as const;
/** An order was created and awaits approval (the Slack approval workflow starts here). */
export const orderCreated = eventType("order/created", {
  schema: z.object({
    orderId: id,
    ...conversationScope,
    contactId: id,
    total: money,
    source: z.enum(orderSources),
    createdAt: isoTime,
  }),
});

/**
 * An order was decided (after the atomic decision in MongoDB). Event id: `order:<orderId>:decided`
 * (see orderDecidedEventId), so a double click yields one event.
 */
export const orderDecided = eventType("order/decided", {
  schema: z.object({
    orderId: id,
    ...conversationScope,
    contactId: id,
    decision: z.enum(orderDecisions),
    /** Slack user id of the decider, or "system" for an expiry. */
    by: z.string().min(1).max(64),
    reason: z.string().max(500).optional(),
    decidedAt: isoTime,
  }),
});

// ---- crm/* : business facts that automations trigger on ----

export const crmContactCreated = eventType("crm/contact.created", {
  schema: z.object({ ...crmScope, at: isoTime }),
});

export const crmContactFieldChanged = eventType("crm/contact.field-changed", {
  schema: z.object({
    ...crmScope,
    /** Which collected field: "name", "address", "city", ... */
    field: z.string().min(1).max(64),
    at: isoTime,
  }),
});

const tagChange = z.object({
  ...crmScope,
  tag: z.string().min(1).max(64),
  by: z.string().max(64).optional(),
  at: isoTime,
});
export const crmTagAdded = eventType("crm/tag.added", { schema: tagChange });
export const crmTagRemoved = eventType("crm/tag.removed", { schema: tagChange });

/** An order moved between statuses (the CRM "stage"). */
export const crmOrderStatusChanged = eventType("crm/order.status-changed", {
  schema: z.object({
    ...crmScope,
    orderId: id,
    from: z.string().min(1).max(64).nullable(),
    to: z.string().min(1).max(64),
    at: isoTime,
  }),
});

/** An inbound message matched a keyword that some automation listens to. */
export const crmKeywordReceived = eventType("crm/keyword.received", {
  schema: z.object({
    ...crmScope,
    messageId: id,
    keyword: z.string().min(1).max(64),
    at: isoTime,
  }),
});

// ---- automation/* : the automations engine ----

export const automationExecutionStatuses = ["succeeded", "failed", "skipped"] as const;
/** An automation run finished (for monitoring and Slack notifications). */
export const automationExecutionFinished = eventType("automation/execution.finished", {
  schema: z.object({
    accountId: accountIdSchema,
    automationName: z.string().min(1).max(100),
    executionId: id,
    triggerEvent: z.string().min(1).max(100),
    conversationId: id.optional(),
    status: z.enum(automationExecutionStatuses),
    error: z.string().max(2_000).optional(),
    at: isoTime,
  }),
});

/** An admin switched an automation on or off (after the atomic update in MongoDB). */
export const automationDefinitionToggled = eventType("automation/definition.toggled", {
  schema: z.object({
    automationName: z.string().min(1).max(100),
    enabled: z.boolean(),
    by: z.string().min(1).max(64),
    at: isoTime,
  }),
});

// ---- the catalogue ----

/** Every event type, once. The checker and tests walk this list. */
export const catalogue = [
  whatsappMessageReceived,
  whatsappMessageSendRequested,
  whatsappMessageSent,
  whatsappContactOptedOut,
  whatsappContactOptedIn,
  whatsappSessionStatusChanged,
  agentModeChanged,
  agentPromosOffered,
  agentHandoffRequested,
  agentBrainFailed,
  orderCreated,
  orderDecided,
  crmContactCreated,
  crmContactFieldChanged,
  crmTagAdded,
  crmTagRemoved,
  crmOrderStatusChanged,
  crmKeywordReceived,
  automationExecutionFinished,
  automationDefinitionToggled,
] as const;

export type CatalogueEvent = (typeof catalogue)[number];
export type EventName = CatalogueEvent["name"];

/** The events an automation can be triggered by (each carries accountId, conversationId and contactId). */
export const automationTriggers = [
  whatsappMessageReceived,
  crmKeywordReceived,
  crmContactCreated,
  crmContactFieldChanged,
  crmTagAdded,
  crmTagRemoved,
  orderCreated,
  orderDecided,
  crmOrderStatusChanged,
  agentModeChanged,
] as const;
export type AutomationTriggerName = (typeof automationTriggers)[number]["name"];

/** Catalogue entry by event name. */
export const eventsByName: ReadonlyMap<string, CatalogueEvent> = new Map(catalogue.map((e) => [e.name, e]));

/** The data an event carries, e.g. `EventData<typeof orderDecided>`. */
export type EventData<T extends EventType<string, StandardSchemaV1<Record<string, unknown>> | undefined>> =
  T["schema"] extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<T["schema"]> : never;
/** Data by event name, e.g. `DataOf<"order/decided">`. */
export type DataOf<N extends EventName> = EventData<Extract<CatalogueEvent, { name: N }>>;

export type WhatsappMessageReceived = EventData<typeof whatsappMessageReceived>;
export type WhatsappMessageSendRequested = EventData<typeof whatsappMessageSendRequested>;
export type AgentModeChanged = EventData<typeof agentModeChanged>;
export type AgentPromosOffered = EventData<typeof agentPromosOffered>;
export type OrderCreated = EventData<typeof orderCreated>;
export type OrderDecided = EventData<typeof orderDecided>;

// ---- event ids (idempotency: the same fact always gets the same id) ----

/** `wa:<account>:<message id>`: WhatsApp delivering a message twice makes one event. */
export function inboundMessageEventId(accountId: string, messageId: string): string {
  return `wa:${accountId}:${messageId}`;
}

/** `order:<order id>:decided`: one decision event per order, whoever clicks twice. */
export function orderDecidedEventId(orderId: string): string {
  return `order:${orderId}:decided`;
}

/** `order:<order id>:created`. */
export function orderCreatedEventId(orderId: string): string {
  return `order:${orderId}:created`;
}
