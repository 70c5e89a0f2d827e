// What `/automation` answers. Pure.
import type { AutomationDoc } from "../../shared/db/index.js";
import type { Actor } from "../../shared/domain/actor.js";
import { escapeMrkdwn } from "../format/escape.js";
import { formatSlackTime, mention } from "../format/time.js";

export interface TextClock {
  now: Date;
  timezone: string;
}

function who(actor: Actor | undefined): string {
  if (!actor) return "nobody yet";
  return actor.kind === "slack_user"
    ? mention(actor.id)
    : actor.kind === "system"
      ? `the system (${actor.id})`
      : actor.kind;
}

/** "enabled by @x at 14:02" / "disabled by @y at 9 Nov 10:00" / "disabled (never enabled)". */
export function stateLine(a: AutomationDoc, clock: TextClock): string {
  const by = a.enabled ? a.enabledBy : a.disabledBy;
  const at = a.enabled ? a.enabledAt : a.disabledAt;
  const state = a.enabled ? "enabled" : "disabled";
  if (!by || !at) return `${state} (${a.enabled ? "" : "new, never enabled"})`.replace(" ()", "");
  return `${state} by ${who(by)} at ${formatSlackTime(at, clock.now, clock.timezone)}`;
}

export function listText(automations: readonly AutomationDoc[], clock: TextClock): string {
  if (automations.length === 0) return "No automations are defined.";
  const lines = automations.map(
    (a) =>
      `${a.enabled ? ":large_green_circle:" : ":white_circle:"} \`${a.name}\` (${a.trigger.type}): ${stateLine(a, clock)}`,
  );
  return `*Automations* (${automations.length})\n${lines.join("\n")}`;
}

export function statusText(a: AutomationDoc, clock: TextClock): string {
  const description = a.description ? `\n${escapeMrkdwn(a.description)}` : "";
  return `\`${a.name}\` is ${stateLine(a, clock)}.\nTrigger: ${a.trigger.type} · ${a.actions.length} action(s) · version ${a.version}${description}`;
}

export function changedText(a: AutomationDoc, clock: TextClock): string {
  return `\`${a.name}\` is now ${stateLine(a, clock)}.`;
}

export function unchangedText(a: AutomationDoc, clock: TextClock): string {
  return `\`${a.name}\` was already ${stateLine(a, clock)}. Nothing changed.`;
}

export function unknownNameText(typed: string, closest: readonly string[]): string {
  const suggestion =
    closest.length > 0
      ? ` Closest names: ${closest.map((n) => `\`${n}\``).join(", ")}.`
      : " No automations are defined.";
  return `There is no automation named \`${typed}\`.${suggestion}`;
}

export const ADMINS_ONLY_TEXT =
  "Only admins can run `/automation` (ask an admin, or have your Slack user id added to SLACK_ADMIN_USER_IDS).";
