// What `/automation runs <name> [n]` and `/automation test <name> <phone>` show, as plain data from
// the database (the Slack side puts it in words). The dry run evaluates the trigger config and
// conditions against a contact as it is now and says what each action would do, without doing
// anything.
import { clock } from "../clock.js";
import type { AutomationAction } from "../domain/automations.js";
import { automationNameSchema } from "../domain/automations.js";
import type { AutomationContext } from "../domain/automations-conditions.js";
import { evaluateConditions } from "../domain/automations-conditions.js";
import { matchTrigger } from "../domain/automations-triggers.js";
import { renderTemplate } from "../domain/automations-variables.js";
import { isBotSilent } from "../domain/conversation.js";
import { toE164 } from "../domain/phone.js";
import { loadAutomationContext } from "./automation-context.js";
import type { AutomationExecutionDoc } from "./automation-executions.js";
import type { AutomationDoc } from "./automations.js";
import type { Repositories } from "./repositories.js";

const DAY_MS = 86_400_000;

// ---- /automation runs ----

export interface RunSummary {
  executionId: string;
  startedAt: string;
  finishedAt?: string;
  status: string;
  trigger: string;
  triggerEvent: string;
  conversationId?: string;
  depth: number;
  reason?: string;
  failedCondition?: string;
  error?: string;
  actions: { index: number; type: string; status: string; detail?: string; error?: string; ms?: number }[];
}

export type RecentRuns =
  { found: false; name: string } | { found: true; name: string; enabled: boolean; runs: RunSummary[] };

function summarize(execution: AutomationExecutionDoc): RunSummary {
  return {
    executionId: execution._id,
    startedAt: execution.startedAt.toISOString(),
    ...(execution.finishedAt ? { finishedAt: execution.finishedAt.toISOString() } : {}),
    status: execution.status,
    trigger: execution.trigger,
    triggerEvent: execution.triggerEvent,
    ...(execution.conversationId ? { conversationId: execution.conversationId } : {}),
    depth: execution.depth,
    ...(execution.reason ? { reason: execution.reason } : {}),
    ...(execution.failedCondition ? { failedCondition: execution.failedCondition } : {}),
    ...(execution.error ? { error: execution.error } : {}),
    actions: execution.actions.map((a) => ({
      index: a.index,
      type: a.type,
      status: a.status,
      ...(a.detail ? { detail: a.detail } : {}),
      ...(a.error ? { error: a.error } : {}),
      ...(a.startedAt && a.finishedAt ? { ms: a.finishedAt.getTime() - a.startedAt.getTime() } : {}),
    })),
  };
}

/** The last `n` runs of an automation (newest first), with what each action did. */
export async function describeRecentRuns(
  db: Pick<Repositories, "automations" | "automationExecutions">,
  nameRaw: string,
  n = 5,
): Promise<RecentRuns> {
  const name = automationNameSchema.parse(nameRaw);
  const automation = await db.automations.getByName(name);
  if (!automation) return { found: false, name };
  const limit = Math.max(1, Math.min(50, Math.trunc(n)));
  const runs = await db.automationExecutions.listRecent({ automationName: name }, limit);
  return { found: true, name, enabled: automation.enabled, runs: runs.map(summarize) };
}

// ---- /automation test ----

export interface DryRunAction {
  index: number;
  type: AutomationAction["type"];
  /** What it would do, in words ("would add tag lead"). */
  would: string;
}

export type DryRun =
  | { ok: false; error: string }
  | {
      ok: true;
      automation: string;
      enabled: boolean;
      phone: string;
      trigger: { type: string; matches: boolean; note: string };
      conditions: { matched: boolean; failed?: string };
      /** Whether a real trigger event like this one would run the actions now. */
      wouldRun: boolean;
      actions: DryRunAction[];
    };

type InspectRepos = Pick<Repositories, "automations" | "contacts" | "conversations" | "orders" | "messages">;

/** The trigger event the dry run pretends happened now, from the contact's latest facts. */
async function exampleTrigger(
  db: InspectRepos,
  automation: AutomationDoc,
  scope: { accountId: string; contactId: string; conversationId?: string },
): Promise<{ name: string; data: Record<string, unknown>; note: string; orderId?: string }> {
  const base = { ...scope, at: clock.now().toISOString() };
  const trigger = automation.trigger;
  const conversation = scope.conversationId ? await db.conversations.getById(scope.conversationId) : null;
  const latestOrder = scope.conversationId
    ? (await db.orders.listByConversation(scope.conversationId)).at(-1)
    : undefined;
  switch (trigger.type) {
    case "contact.created":
      return {
        name: "crm/contact.created",
        data: base,
        note: "as if the contact had just written for the first time",
      };
    case "message.keyword": {
      const last = scope.conversationId
        ? (await db.messages.listRecent(scope.conversationId, 50)).filter((m) => m.direction === "in").at(-1)
        : undefined;
      return {
        name: "whatsapp/message.received",
        data: { ...base, text: last?.text ?? "" },
        note: last ? "against the contact's last message" : "the contact has written nothing yet",
      };
    }
    case "conversation.mode_changed":
      return {
        name: "agent/mode.changed",
        data: { ...base, from: trigger.config.from?.[0] ?? "", to: conversation?.mode ?? "" },
        note: `as if the conversation had just moved to its current mode (${conversation?.mode ?? "none"})`,
      };
    case "order.created":
    case "order.status_changed": {
      if (!latestOrder) return { name: "order/created", data: base, note: "the contact has no order" };
      const decision = { approved: "approved", rejected: "rejected", expired: "expired" }[
        latestOrder.status as string
      ];
      return {
        name: trigger.type === "order.created" ? "order/created" : "order/decided",
        data: { ...base, orderId: latestOrder._id, ...(decision ? { decision } : {}) },
        note: `with the contact's latest order ${latestOrder._id} (${latestOrder.status})`,
        orderId: latestOrder._id,
      };
    }
    case "tag.added":
    case "tag.removed":
      return {
        name: `crm/${trigger.type}`,
        data: { ...base, tag: trigger.config.tag ?? "" },
        note: `as if tag ${trigger.config.tag ?? "(any)"} had just been ${trigger.type === "tag.added" ? "added" : "removed"}`,
      };
    case "stage.changed":
      return {
        name: "crm/stage.changed",
        data: { ...base, pipeline: trigger.config.pipeline ?? "", stage: trigger.config.stage ?? "" },
        note: "as if the contact had just moved to the configured stage",
      };
    case "field.changed":
      return {
        name: "crm/contact.field-changed",
        data: { ...base, field: trigger.config.field ?? "" },
        note: `as if field ${trigger.config.field ?? "(any)"} had just changed`,
      };
    case "contact.inactive": {
      const last = conversation?.lastInboundAt;
      const idleDays = last ? Math.floor((clock.nowMs() - last.getTime()) / DAY_MS) : null;
      return {
        name: "crm/contact.inactive",
        data: {
          ...base,
          days: idleDays !== null && idleDays >= trigger.config.days ? trigger.config.days : -1,
        },
        note: idleDays === null ? "the contact has never written" : `last message ${idleDays} day(s) ago`,
      };
    }
  }
}

function describeAction(
  action: AutomationAction,
  context: AutomationContext,
  conversation: { mode: string; optedOut: boolean } | null,
): string {
  const contact = context.contact ?? {};
  const tags = Array.isArray(contact["tags"]) ? (contact["tags"] as string[]) : [];
  const quote = (text: string) => {
    const rendered = renderTemplate(text, context);
    return rendered === "" ? "(empty once the variables are filled in: it would fail)" : `"${rendered}"`;
  };
  switch (action.type) {
    case "send_whatsapp":
      if (!conversation) return "would fail: the contact has no conversation";
      if (conversation.optedOut) return "would skip: the contact opted out";
      if (isBotSilent(conversation.mode as never)) return "would skip: a person has the conversation";
      return `would send on WhatsApp (in business hours): ${quote(action.text)}`;
    case "add_tag":
      return tags.includes(action.tag)
        ? `already tagged ${action.tag}: no change`
        : `would add tag ${action.tag}`;
    case "remove_tag":
      return tags.includes(action.tag)
        ? `would remove tag ${action.tag}`
        : `not tagged ${action.tag}: no change`;
    case "change_stage":
      return contact["pipeline"] === action.pipeline && contact["stage"] === action.stage
        ? `already in ${action.pipeline}/${action.stage}: no change`
        : `would move to ${action.pipeline}/${action.stage}`;
    case "update_field":
      return `would set ${action.field} to "${renderTemplate(action.value, context)}"`;
    case "notify_slack":
      return `would post in Slack${action.channel ? ` (${action.channel})` : ""}: ${quote(action.text)}`;
    case "webhook":
      return `would POST a signed JSON to ${action.url}`;
    case "create_task":
      return `would give ${action.assignee} a task${action.due ? ` due in ${action.due}` : ""}: ${quote(action.title)}`;
    case "handoff":
      return conversation?.mode === "handoff"
        ? "already with a person: no change"
        : "would hand the conversation to a person";
    case "delay":
      return `would wait ${action.duration}`;
  }
}

/**
 * Evaluates `name` against the contact with this phone (E.164, or digits with the default country
 * code) as it is now, and describes each action. Writes nothing and sends nothing.
 */
export async function dryRunAutomation(
  db: InspectRepos,
  nameRaw: string,
  phoneRaw: string,
  options: { accountId?: string; defaultCountryCode?: string } = {},
): Promise<DryRun> {
  const name = automationNameSchema.safeParse(nameRaw);
  if (!name.success) return { ok: false, error: `"${nameRaw}" is not an automation name` };
  const automation = await db.automations.getByName(name.data);
  if (!automation) return { ok: false, error: `No automation named "${name.data}".` };
  const phone = toE164(phoneRaw, options.defaultCountryCode);
  if (!phone) return { ok: false, error: `"${phoneRaw}" is not a phone number` };
  const accountId = options.accountId ?? "default";
  const contact = await db.contacts.findByPhone(accountId, phone);
  if (!contact) return { ok: false, error: `No contact with phone ${phone}.` };
  const conversation = await db.conversations.findByPhone(accountId, phone);
  const scope = {
    accountId,
    contactId: contact._id,
    ...(conversation ? { conversationId: conversation._id } : {}),
  };
  const example = await exampleTrigger(db, automation, scope);
  const triggerMatch = matchTrigger(automation.trigger, example.data);
  const context = await loadAutomationContext(
    db,
    { contactId: contact._id, conversationId: conversation?._id, orderId: example.orderId },
    example,
  );
  const conditions = evaluateConditions(automation.conditions, context);
  return {
    ok: true,
    automation: automation.name,
    enabled: automation.enabled,
    phone,
    trigger: { type: automation.trigger.type, matches: triggerMatch.matches, note: example.note },
    conditions: conditions.matched ? { matched: true } : { matched: false, failed: conditions.failed },
    wouldRun: automation.enabled && triggerMatch.matches && conditions.matched,
    actions: automation.actions.map((action, index) => ({
      index,
      type: action.type,
      would: describeAction(action, context, conversation),
    })),
  };
}
