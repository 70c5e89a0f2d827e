// Conversation modes and the customer data the agent collects.
//
//   greeting ─▶ collecting_data ─▶ promos ─▶ awaiting_approval ─▶ closed
//   any bot mode ─▶ handoff (a human took over) ─▶ back to a bot mode
//   any mode ─▶ opted_out (only the opt-in path leaves it; setMode never does)
import { z } from "zod";
import { e164Schema } from "./phone.js";

export const CONVERSATION_MODES = [
  "greeting",
  "collecting_data",
  "promos",
  "awaiting_approval",
  "closed",
  "handoff",
  "opted_out",
] as const;
export const conversationModeSchema = z.enum(CONVERSATION_MODES);
export type ConversationMode = z.infer<typeof conversationModeSchema>;

const BOT_MODES = ["greeting", "collecting_data", "promos", "awaiting_approval", "closed"] as const;

/** Allowed `to` modes for each `from` mode. */
export const MODE_TRANSITIONS: Readonly<Record<ConversationMode, readonly ConversationMode[]>> = {
  greeting: ["collecting_data", "promos", "closed", "handoff", "opted_out"],
  collecting_data: ["greeting", "promos", "closed", "handoff", "opted_out"],
  // The customer may correct their data after seeing the promos.
  promos: ["collecting_data", "awaiting_approval", "closed", "handoff", "opted_out"],
  // A rejected or expired order may go back to promos or data; approval closes.
  awaiting_approval: ["collecting_data", "promos", "closed", "handoff", "opted_out"],
  // A customer who writes again after an order starts a new round.
  closed: ["greeting", "collecting_data", "promos", "handoff", "opted_out"],
  handoff: [...BOT_MODES, "opted_out"],
  opted_out: [],
};

export function canChangeMode(from: ConversationMode, to: ConversationMode): boolean {
  return MODE_TRANSITIONS[from].includes(to);
}

/** Modes in which the bot must stay silent (no AI replies, timers or automations). */
export function isBotSilent(mode: ConversationMode): boolean {
  return mode === "handoff" || mode === "opted_out";
}

/** Phone numbers are stored in E.164 ("+5215550001"); one definition, in phone.ts. */
export { e164Schema } from "./phone.js";

/** Letters of any alphabet, accents included ("á", "ñ", "ü"): what a name, city or address is made of. */
const LETTER = /\p{L}/gu;
const DIGIT = /\p{Nd}/u;

function letterCount(text: string): number {
  return text.match(LETTER)?.length ?? 0;
}

/**
 * Free text the customer typed, tidied (NFC, one space between words) and checked: at least two
 * letters, so "12" or "..." is re-asked instead of stored as a city or an address.
 */
const textField = (max: number, what: string) =>
  z
    .string()
    .transform((s) => s.normalize("NFC").replace(/\s+/g, " ").trim())
    .pipe(
      z
        .string()
        .min(2)
        .max(max)
        .refine((s) => letterCount(s) >= 2, `${what} must contain letters`),
    );

/** A person's name: letters (accents, apostrophes, hyphens and dots allowed), no digits. */
const nameField = textField(120, "a name").refine((s) => !DIGIT.test(s), "a name has no digits");

/** Customer data the agent collects; each field is validated before it is stored. */
export const collectedFieldsSchema = z
  .object({
    name: nameField,
    phone: e164Schema,
    address: textField(300, "an address"),
    city: textField(120, "a city"),
  })
  .strict();
export type CollectedFields = z.infer<typeof collectedFieldsSchema>;
export type CollectedField = keyof CollectedFields;
export const COLLECTED_FIELDS = [
  "name",
  "phone",
  "address",
  "city",
] as const satisfies readonly CollectedField[];

export const collectedPatchSchema = collectedFieldsSchema.partial();
export type CollectedPatch = z.infer<typeof collectedPatchSchema>;

/** Fields still missing, in the order the agent asks for them. */
export function missingFields(collected: Partial<CollectedFields>): CollectedField[] {
  return COLLECTED_FIELDS.filter((f) => !collected[f]);
}

export function isDataComplete(collected: Partial<CollectedFields>): collected is CollectedFields {
  return missingFields(collected).length === 0;
}

/**
 * Validates each proposed field on its own, so one bad value (to be re-asked) does not throw away
 * the good ones.
 */
export function validateCollectedPatch(patch: Record<string, unknown>): {
  accepted: CollectedPatch;
  rejected: { field: string; error: string }[];
} {
  const accepted: CollectedPatch = {};
  const rejected: { field: string; error: string }[] = [];
  for (const [field, value] of Object.entries(patch)) {
    if (!(COLLECTED_FIELDS as readonly string[]).includes(field)) {
      rejected.push({ field, error: "unknown field" });
      continue;
    }
    const key = field as CollectedField;
    const parsed = collectedFieldsSchema.shape[key].safeParse(value);
    if (parsed.success) accepted[key] = parsed.data;
    else rejected.push({ field, error: parsed.error.issues[0]?.message ?? "invalid" });
  }
  return { accepted, rejected };
}

/** Kinds of proactive nudge a conversation can receive; each is counted separately. */
export const NUDGE_KINDS = ["data_collection", "promos", "approval_wait"] as const;
export const nudgeKindSchema = z.enum(NUDGE_KINDS);
export type NudgeKind = z.infer<typeof nudgeKindSchema>;
