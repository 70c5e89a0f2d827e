// Variables in automation texts: `{{contact.name}}`, `{{order.total}}`, `{{event.text}}`. A missing
// value becomes empty text, never an error; lists are joined with ", "; objects are never printed.
import type { AutomationContext } from "./automations-conditions.js";
import { resolvePath } from "./automations-conditions.js";

const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*){0,5})\s*\}\}/g;

function show(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value))
    return value
      .map(show)
      .filter((s) => s !== "")
      .join(", ");
  return "";
}

/** Fills every `{{path}}` from the context; trims the result. */
export function renderTemplate(text: string, context: AutomationContext): string {
  return text.replace(VARIABLE, (_all, path: string) => show(resolvePath(context, path))).trim();
}

/** The variable paths a text uses (for the dry run: which ones are empty for this contact). */
export function templateVariables(text: string): string[] {
  return [...text.matchAll(VARIABLE)].map((m) => m[1] as string);
}
