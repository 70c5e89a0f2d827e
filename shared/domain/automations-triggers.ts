// Which event each trigger type listens to, and whether a trigger's config matches that event's data
// (the cheap filter before conditions are evaluated). Pure.
import type { AutomationTrigger, TriggerType } from "./automations.js";
import { boundedRegexTest } from "./automations-regex.js";

/** The event each trigger type runs on (declared in shared/events.ts). */
export const TRIGGER_EVENTS = {
  "contact.created": "crm/contact.created",
  "message.keyword": "whatsapp/message.received",
  "conversation.mode_changed": "agent/mode.changed",
  "order.created": "order/created",
  "order.status_changed": "order/decided",
  "tag.added": "crm/tag.added",
  "tag.removed": "crm/tag.removed",
  "stage.changed": "crm/stage.changed",
  "field.changed": "crm/contact.field-changed",
  "contact.inactive": "crm/contact.inactive",
} as const satisfies Record<TriggerType, string>;

/** `contact.created` → `contact-created`: the part of a function id that names the trigger. */
export function triggerSlug(type: TriggerType): string {
  return type.replace(/[._]/g, "-");
}

/** Lower case, accents removed, words separated by one space and padded: " hola que tal ". */
export function normalizeWords(text: string): string {
  const words = text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLocaleLowerCase("es")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
  return ` ${words.join(" ")} `;
}

export type TriggerMatch = { matches: true; keyword?: string } | { matches: false; error?: string };

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** Whether the trigger's config accepts this event's data. */
export function matchTrigger(trigger: AutomationTrigger, data: Record<string, unknown>): TriggerMatch {
  switch (trigger.type) {
    case "contact.created":
    case "order.created":
      return { matches: true };
    case "message.keyword": {
      const text = str(data["text"]) ?? "";
      const normalized = normalizeWords(text);
      for (const word of trigger.config.words ?? []) {
        const w = normalizeWords(word).trim();
        if (w !== "" && normalized.includes(` ${w} `)) return { matches: true, keyword: word };
      }
      if (trigger.config.regex) {
        const result = boundedRegexTest(trigger.config.regex.pattern, trigger.config.regex.flags, text);
        if (result.error) return { matches: false, error: result.error };
        if (result.matched) return { matches: true, keyword: `/${trigger.config.regex.pattern}/` };
      }
      return { matches: false };
    }
    case "conversation.mode_changed": {
      const { from, to } = trigger.config;
      const ok =
        (from === undefined || from.includes(str(data["from"]) ?? "")) &&
        (to === undefined || to.includes(str(data["to"]) ?? ""));
      return { matches: ok };
    }
    case "order.status_changed": {
      const statuses = trigger.config.statuses;
      return { matches: statuses === undefined || statuses.includes(str(data["decision"]) as never) };
    }
    case "tag.added":
    case "tag.removed":
      return { matches: trigger.config.tag === undefined || trigger.config.tag === str(data["tag"]) };
    case "stage.changed": {
      const { pipeline, stage } = trigger.config;
      return {
        matches:
          (pipeline === undefined || pipeline === str(data["pipeline"])) &&
          (stage === undefined || stage === str(data["stage"])),
      };
    }
    case "field.changed":
      return { matches: trigger.config.field === undefined || trigger.config.field === str(data["field"]) };
    case "contact.inactive":
      return { matches: data["days"] === trigger.config.days };
  }
}
