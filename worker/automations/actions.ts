// What each action does, once, inside its own step. Every write is idempotent (tags, stage, fields
// are conditional updates; events carry ids derived from the execution and the action's index), so
// a retried step changes nothing twice. A tag/stage/field action that changes nothing emits no event.
// An action returns what it did; a thrown error is the action's failure (the runner records it).
import { clock } from "../../shared/clock.js";
import type { AutomationAction } from "../../shared/domain/automations.js";
import type { AutomationContext } from "../../shared/domain/automations-conditions.js";
import { renderTemplate } from "../../shared/domain/automations-variables.js";
import { isBotSilent } from "../../shared/domain/conversation.js";
import { durationToMs } from "../../shared/domain/automations.js";
import { setContactField, setContactStage } from "../../shared/db/automation-crm.js";
import {
  agentHandoffRequested,
  agentModeChanged,
  automationSlackNotifyRequested,
  automationTaskCreateRequested,
  crmContactFieldChanged,
  crmStageChanged,
  crmTagAdded,
  crmTagRemoved,
  whatsappMessageSendRequested,
  type Cascade,
} from "../../shared/events.js";
import { AddressPolicy } from "./address-policy.js";
import type { AutomationDeps } from "./deps.js";
import { postWebhook } from "./webhook.js";

export interface ActionRun {
  automationId: string;
  automationName: string;
  executionId: string;
  index: number;
  accountId: string;
  conversationId?: string | undefined;
  contactId?: string | undefined;
  trigger: { name: string; id: string; data: Record<string, unknown> };
  /** What events this action emits carry. */
  cascade: Cascade;
  /** The records, for actions that read them (actionReadsContext); the trigger event only otherwise. */
  context: AutomationContext;
}

export interface ActionOutcome {
  status: "succeeded" | "skipped";
  detail: string;
}

export class ActionFailure extends Error {
  override readonly name = "ActionFailure";
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new ActionFailure(`the trigger has no ${what}`);
  return value;
}

/** `automation:<execution>:<index>:<what>`: the id of an event an action emits. */
const eventId = (run: ActionRun, what: string) => `automation:${run.executionId}:${run.index}:${what}`;

/** What the Slack side needs to say which run asked (the notify and task events carry it). */
function slackRequestScope(run: ActionRun) {
  return {
    accountId: run.accountId,
    automationId: run.automationId,
    automationName: run.automationName,
    executionId: run.executionId,
    ...(run.conversationId ? { conversationId: run.conversationId } : {}),
    ...(run.contactId ? { contactId: run.contactId } : {}),
  };
}

/** The CRM actions: one conditional write to the contact (and an event when it changed anything). */
const CRM_ACTIONS: readonly AutomationAction["type"][] = [
  "add_tag",
  "remove_tag",
  "change_stage",
  "update_field",
];

/** Actions that fill in variables or send the records along: their run reads the context first. */
export function actionReadsContext(action: Pick<AutomationAction, "type">): boolean {
  return !["add_tag", "remove_tag", "change_stage", "delay"].includes(action.type);
}

/** Over in a moment (a CRM write): its result is recorded without marking it running first. */
export function isInstantAction(action: Pick<AutomationAction, "type">): boolean {
  return CRM_ACTIONS.includes(action.type);
}

export async function performAction(
  deps: AutomationDeps,
  action: AutomationAction,
  run: ActionRun,
): Promise<ActionOutcome> {
  const { db, inngest } = deps;
  const at = clock.now().toISOString();
  const by = `automation:${run.automationName}`.slice(0, 64);
  const scope = () => ({
    accountId: run.accountId,
    conversationId: need(run.conversationId, "conversation"),
    contactId: need(run.contactId, "contact"),
  });
  const text = (template: string, what: string) => {
    const rendered = renderTemplate(template, run.context);
    if (rendered === "") throw new ActionFailure(`${what} is empty once the variables are filled in`);
    return rendered;
  };

  switch (action.type) {
    case "send_whatsapp": {
      const conversation = await db.conversations.getById(need(run.conversationId, "conversation"));
      if (!conversation) throw new ActionFailure("the conversation no longer exists");
      if (conversation.optedOut) return { status: "skipped", detail: "the contact opted out: not sent" };
      if (isBotSilent(conversation.mode)) {
        return { status: "skipped", detail: "a person has the conversation (handoff): not sent" };
      }
      const dedupeKey = `automation:${run.executionId}:${run.index}`;
      await inngest.send(
        whatsappMessageSendRequested.create(
          {
            accountId: run.accountId,
            conversationId: conversation._id,
            to: conversation.phone,
            text: text(action.text, "the message"),
            dedupeKey,
            reason: "automation",
          },
          { id: `send:${run.accountId}:${dedupeKey}` },
        ),
      );
      return {
        status: "succeeded",
        detail: "handed to the proactive sender (business hours, opt-out, pacing)",
      };
    }
    case "add_tag":
    case "remove_tag": {
      const s = scope();
      const add = action.type === "add_tag";
      const { changed } = add
        ? await db.contacts.addTag(s.contactId, action.tag)
        : await db.contacts.removeTag(s.contactId, action.tag);
      if (!changed) {
        return {
          status: "succeeded",
          detail: add
            ? `already tagged ${action.tag}: nothing changed`
            : `not tagged ${action.tag}: nothing changed`,
        };
      }
      const event = add ? crmTagAdded : crmTagRemoved;
      await inngest.send(
        event.create(
          { ...s, tag: action.tag, by, at, cascade: run.cascade },
          { id: eventId(run, action.type) },
        ),
      );
      return { status: "succeeded", detail: add ? `tag ${action.tag} added` : `tag ${action.tag} removed` };
    }
    case "change_stage": {
      const s = scope();
      const result = await setContactStage(db.db, s.contactId, action.pipeline, action.stage);
      const where = `${action.pipeline}/${action.stage}`;
      if (!result.changed) return { status: "succeeded", detail: `already in ${where}: nothing changed` };
      await inngest.send(
        crmStageChanged.create(
          {
            ...s,
            pipeline: action.pipeline,
            stage: action.stage,
            from: result.from,
            at,
            cascade: run.cascade,
          },
          { id: eventId(run, "stage") },
        ),
      );
      return { status: "succeeded", detail: `moved to ${where}` };
    }
    case "update_field": {
      const s = scope();
      const value = renderTemplate(action.value, run.context);
      const { changed } = await setContactField(db.db, s.contactId, action.field, value);
      if (!changed)
        return { status: "succeeded", detail: `${action.field} already "${value}": nothing changed` };
      await inngest.send(
        crmContactFieldChanged.create(
          { ...s, field: action.field, at, cascade: run.cascade },
          { id: eventId(run, "field") },
        ),
      );
      return { status: "succeeded", detail: `${action.field} set` };
    }
    case "notify_slack": {
      await inngest.send(
        automationSlackNotifyRequested.create(
          {
            ...slackRequestScope(run),
            ...(action.channel ? { channel: action.channel } : {}),
            text: text(action.text, "the Slack message"),
            at,
          },
          { id: eventId(run, "slack") },
        ),
      );
      return {
        status: "succeeded",
        detail: `Slack notification requested${action.channel ? ` (${action.channel})` : ""}`,
      };
    }
    case "create_task": {
      const dueMs = action.due ? durationToMs(action.due) : null;
      await inngest.send(
        automationTaskCreateRequested.create(
          {
            ...slackRequestScope(run),
            assignee: action.assignee,
            title: text(action.title, "the task title"),
            // Due from the same instant the request is stamped with.
            ...(dueMs ? { dueAt: new Date(Date.parse(at) + dueMs).toISOString() } : {}),
            at,
          },
          { id: eventId(run, "task") },
        ),
      );
      return { status: "succeeded", detail: `task for ${action.assignee} requested` };
    }
    case "webhook": {
      const { status } = await postWebhook(
        action.url,
        {
          automation: run.automationName,
          executionId: run.executionId,
          trigger: { event: run.trigger.name, id: run.trigger.id, data: run.trigger.data },
          contact: run.context.contact ?? null,
          conversation: run.context.conversation ?? null,
          order: run.context.order ?? null,
          at,
        },
        {
          secret: deps.config.automations.webhookSecret,
          policy: new AddressPolicy(deps.config.automations.webhookAllowlist),
          deliveryId: `${run.executionId}:${run.index}`,
          nowSeconds: Math.floor(clock.nowMs() / 1000),
          ...(deps.resolve ? { resolve: deps.resolve } : {}),
        },
      );
      return { status: "succeeded", detail: `HTTP ${status}` };
    }
    case "handoff": {
      const s = scope();
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const conversation = await db.conversations.getById(s.conversationId);
        if (!conversation) throw new ActionFailure("the conversation no longer exists");
        if (conversation.mode === "handoff")
          return { status: "succeeded", detail: "already with a person: nothing changed" };
        if (conversation.mode === "opted_out") return { status: "skipped", detail: "the contact opted out" };
        const moved = await db.conversations.setMode(s.conversationId, conversation.mode, "handoff");
        if (!moved.ok) {
          if (moved.reason === "mode_changed") continue;
          throw new ActionFailure(`cannot hand over: ${moved.reason}`);
        }
        const summary = action.note ? renderTemplate(action.note, run.context) : "";
        await inngest.send([
          agentModeChanged.create(
            {
              ...s,
              from: conversation.mode,
              to: "handoff",
              at: moved.conversation.modeChangedAt.toISOString(),
              cascade: run.cascade,
            },
            { id: `mode:${s.conversationId}:${moved.conversation.episode}` },
          ),
          agentHandoffRequested.create(
            {
              ...s,
              reason: "automation",
              summary: (summary || `Automation ${run.automationName}`).slice(0, 1_000),
              at,
            },
            { id: eventId(run, "handoff") },
          ),
        ]);
        return { status: "succeeded", detail: `handed to a person (was ${conversation.mode})` };
      }
      throw new ActionFailure("the conversation's mode kept changing");
    }
    case "delay":
      // The runner sleeps (step.sleep); nothing to do here.
      return { status: "succeeded", detail: `waited ${action.duration}` };
  }
}
