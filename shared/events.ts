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
import { FINAL_EXECUTION_STATUSES } from "./domain/automations.js";
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
/**
 * Set on events an automation run caused: how many automation runs led here (1 = caused directly by
 * a run whose trigger no automation caused) and the ids of those automations, oldest first. The
 * runner stops a chain deeper than AUTOMATION_MAX_CASCADE_DEPTH or one that comes back to itself.
 */
export const cascadeSchema = z.object({
  depth: z.number().int().min(1).max(100),
  automationIds: z.array(id).min(1).max(100),
  executionId: id,
});
export type Cascade = z.infer<typeof cascadeSchema>;

/** Fields every CRM (automation trigger) event carries. */
const crmScope = {
  ...conversationScope,
  contactId: id,
  cascade: cascadeSchema.optional(),
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
    /** The conversation's mode when the message was stored (`handoff`: a person has it). */
    mode: mode.optional(),
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
    /** Set when an automation's handoff action made the change. */
    cascade: cascadeSchema.optional(),
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

export const handoffReasons = [
  "customer-asked",
  "model-requested",
  "cost-cap",
  "brain-error",
  "automation",
] as const;
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

/** A customer wrote for the first time (the gateway, with their first message). */
export const crmContactCreated = eventType("crm/contact.created", {
  schema: z.object({ ...crmScope, at: isoTime }),
});

/** A contact field changed: collected by the agent (name, address, city, ...) or set by an automation. */
export const crmContactFieldChanged = eventType("crm/contact.field-changed", {
  schema: z.object({
    ...crmScope,
    /** Which field: "name", "address", "city", or a custom field like "origen". */
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

/** The contact moved to another stage of a sales pipeline. */
export const crmStageChanged = eventType("crm/stage.changed", {
  schema: z.object({
    ...crmScope,
    pipeline: z.string().min(1).max(64),
    stage: z.string().min(1).max(64),
    /** The stage before (in the same pipeline), or null. */
    from: z.string().min(1).max(64).nullable(),
    at: isoTime,
  }),
});

/**
 * The contact has not written for `days` days (the inactivity scan). Event id
 * `inactive:<contactId>:<days>:<last inbound ms>`: once per inactivity period.
 */
export const crmContactInactive = eventType("crm/contact.inactive", {
  schema: z.object({
    ...crmScope,
    days: z.number().int().min(1).max(365),
    lastInboundAt: isoTime,
    at: isoTime,
  }),
});

// ---- automation/* : the automations engine ----

/**
 * One automation should evaluate one trigger event (the dispatcher fans a trigger event out to every
 * enabled automation of its trigger type). Carries automationId so that the toggle event cancels
 * the run (`cancelOn` matches data.automationId). Event id `automation:<automationId>:<event id>`.
 */
export const automationRunRequested = eventType("automation/run.requested", {
  schema: z.object({
    accountId: accountIdSchema,
    automationId: id,
    automationName: z.string().min(1).max(100),
    /** Trigger type, e.g. "contact.created" (each type has its own runner function). */
    trigger: z.string().min(1).max(64),
    conversationId: id.optional(),
    contactId: id.optional(),
    /** The trigger event as the engine delivered it. */
    source: z.object({
      name: z.string().min(1).max(100),
      id: z.string().min(1).max(300),
      data: z.record(z.string(), z.unknown()),
    }),
    /** What the keyword trigger matched. */
    keyword: z.string().max(300).optional(),
  }),
});

export const automationExecutionStatuses = FINAL_EXECUTION_STATUSES;
/** An automation run finished (for monitoring and Slack notifications). */
export const automationExecutionFinished = eventType("automation/execution.finished", {
  schema: z.object({
    accountId: accountIdSchema,
    automationId: id,
    automationName: z.string().min(1).max(100),
    executionId: id,
    triggerEvent: z.string().min(1).max(100),
    conversationId: id.optional(),
    status: z.enum(automationExecutionStatuses),
    error: z.string().max(2_000).optional(),
    at: isoTime,
  }),
});

/**
 * An admin switched an automation on or off (after the atomic update in MongoDB). Disabling cancels
 * the automation's runs that are waiting in a delay (their `cancelOn` matches data.automationId).
 * Event id: automationToggledEventId.
 */
export const automationDefinitionToggled = eventType("automation/definition.toggled", {
  schema: z.object({
    automationId: id,
    automationName: z.string().min(1).max(100),
    enabled: z.boolean(),
    by: z.string().min(1).max(64),
    at: isoTime,
  }),
});

/** Which automation run asks the Slack side for something (the notify and task actions). */
const automationRequestScope = {
  accountId: accountIdSchema,
  automationId: id,
  automationName: z.string().min(1).max(100),
  executionId: id,
  conversationId: id.optional(),
  contactId: id.optional(),
};

/** The "notify Slack" action: the Slack side posts `text` (variables already filled in). */
export const automationSlackNotifyRequested = eventType("automation/slack.notify-requested", {
  schema: z.object({
    ...automationRequestScope,
    /** Channel id or name; unset = the sales channel. */
    channel: z.string().min(1).max(80).optional(),
    text: z.string().min(1).max(4_000),
    at: isoTime,
  }),
});

/** The "create task" action: the Slack side gives the task to `assignee` (a Slack user id). */
export const automationTaskCreateRequested = eventType("automation/task.create-requested", {
  schema: z.object({
    ...automationRequestScope,
    assignee: z.string().regex(/^[UW][A-Z0-9]{2,20}$/),
    title: z.string().min(1).max(300),
    dueAt: isoTime.optional(),
    at: isoTime,
  }),
});

// ---- slack/* : the Slack side ----

/**
 * A staff member replied in a handoff card's thread: the worker sends `text` to the customer, once.
 * Event id `slack-reply:<channel>:<ts>` (the Slack message), so a redelivered Slack event sends nothing more.
 */
export const slackHandoffReplied = eventType("slack/handoff.replied", {
  schema: z.object({
    ...conversationScope,
    contactId: id,
    text: z.string().min(1).max(4_096),
    /** Slack user id of the staff member. */
    by: z.string().regex(/^[UW][A-Z0-9]{2,20}$/),
    channel: z.string().min(1).max(80),
    ts: z.string().min(1).max(40),
    at: isoTime,
  }),
});

export function slackHandoffRepliedEventId(channel: string, ts: string): string {
  return `slack-reply:${channel}:${ts}`;
}

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
  crmStageChanged,
  crmContactInactive,
  automationRunRequested,
  automationExecutionFinished,
  automationDefinitionToggled,
  automationSlackNotifyRequested,
  automationTaskCreateRequested,
  slackHandoffReplied,
] as const;

export type CatalogueEvent = (typeof catalogue)[number];
export type EventName = CatalogueEvent["name"];

/** The events automations are triggered by (each carries accountId, conversationId and contactId). */
export const automationTriggers = [
  crmContactCreated,
  whatsappMessageReceived,
  agentModeChanged,
  orderCreated,
  orderDecided,
  crmTagAdded,
  crmTagRemoved,
  crmStageChanged,
  crmContactFieldChanged,
  crmContactInactive,
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

/** `contact-created:<contact id>`: one per contact, however often the first message is re-announced. */
export function contactCreatedEventId(contactId: string): string {
  return `contact-created:${contactId}`;
}

/** `toggle:<automation id>:<enabled|disabled>:<at>`: one per toggle. */
export function automationToggledEventId(automationId: string, enabled: boolean, at: string): string {
  return `toggle:${automationId}:${enabled ? "enabled" : "disabled"}:${at}`;
}
