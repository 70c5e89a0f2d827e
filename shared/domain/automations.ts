// CRM automation definitions: "when <event> and <conditions>, do <actions>". Validated here, at the
// edge, so a definition stored in MongoDB is always runnable. Evaluation lives with the runner.
import { z } from "zod";
import { conversationModeSchema } from "./conversation.js";

/** Admins type it in `/automation enable <name>`: lower-case slug. */
export const automationNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_-]{1,62}$/, "name: 2-63 lower-case letters, digits, '-' or '_'");

/** Event names follow `{source}/{entity}.{action}` (ARCHITECTURE rule 1). */
export const EVENT_NAME_PATTERN = /^[a-z][a-z0-9_-]*\/[a-z][a-z0-9_-]*\.[a-z][a-z0-9_.-]*$/;
export const eventNameSchema = z.string().regex(EVENT_NAME_PATTERN, "event name like crm/order.created");

/** "30s", "5m", "2h", "1d"; at most 30 days (a delayed action longer than that is a campaign). */
export const DURATION_PATTERN = /^([1-9]\d{0,4})(s|m|h|d)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export const MAX_DELAY_MS = 30 * UNIT_MS.d;

export function durationToMs(text: string): number | null {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return null;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

export const durationSchema = z.string().refine((d) => {
  const ms = durationToMs(d);
  return ms !== null && ms <= MAX_DELAY_MS;
}, 'duration like "30s", "5m", "2h", "1d" (at most 30d)');

/** Dotted path into the trigger event's data ("order.totalMinor"); never a `$` operator. */
export const fieldPathSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,5}$/, "field path like data.city");

const scalarSchema = z.union([z.string().max(500), z.number(), z.boolean()]);

export const CONDITION_OPERATORS = [
  "eq",
  "neq",
  "in",
  "not_in",
  "contains",
  "not_contains",
  "gt",
  "gte",
  "lt",
  "lte",
  "exists",
  "not_exists",
] as const;

export const conditionSchema = z.discriminatedUnion("op", [
  z.object({ field: fieldPathSchema, op: z.enum(["eq", "neq"]), value: scalarSchema }).strict(),
  z
    .object({
      field: fieldPathSchema,
      op: z.enum(["in", "not_in"]),
      value: z.array(scalarSchema).min(1).max(50),
    })
    .strict(),
  z
    .object({
      field: fieldPathSchema,
      op: z.enum(["contains", "not_contains"]),
      value: z.string().min(1).max(200),
    })
    .strict(),
  z.object({ field: fieldPathSchema, op: z.enum(["gt", "gte", "lt", "lte"]), value: z.number() }).strict(),
  z.object({ field: fieldPathSchema, op: z.enum(["exists", "not_exists"]) }).strict(),
]);
export type Condition = z.infer<typeof conditionSchema>;

export const conditionGroupSchema = z
  .object({
    match: z.enum(["all", "any"]).default("all"),
    rules: z.array(conditionSchema).max(20).default([]),
  })
  .strict();
export type ConditionGroup = z.infer<typeof conditionGroupSchema>;

const tagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "tag: lower-case letters, digits, '-' or '_'");

export const actionSchema = z.discriminatedUnion("type", [
  /** Text may use {{name}}-style placeholders filled by the runner from trigger data. */
  z.object({ type: z.literal("send_whatsapp"), text: z.string().trim().min(1).max(1000) }).strict(),
  z.object({ type: z.literal("add_tag"), tag: tagSchema }).strict(),
  z.object({ type: z.literal("remove_tag"), tag: tagSchema }).strict(),
  z.object({ type: z.literal("set_mode"), mode: conversationModeSchema.exclude(["opted_out"]) }).strict(),
  z
    .object({
      type: z.literal("notify_slack"),
      text: z.string().trim().min(1).max(2000),
      channel: z
        .string()
        .regex(/^[CG][A-Z0-9]{2,20}$/, "Slack channel id")
        .optional(),
    })
    .strict(),
  z.object({ type: z.literal("delay"), duration: durationSchema }).strict(),
]);
export type AutomationAction = z.infer<typeof actionSchema>;
export type AutomationActionType = AutomationAction["type"];
export const ACTION_TYPES = [
  "send_whatsapp",
  "add_tag",
  "remove_tag",
  "set_mode",
  "notify_slack",
  "delay",
] as const satisfies readonly AutomationActionType[];

/** Loop and cascade protection (research/anchors.md §3.6). */
export const limitsSchema = z
  .object({
    /** An automation triggered by an event that automations caused, deeper than this, is not run. */
    maxDepth: z.number().int().min(0).max(5).default(3),
    /** Runs per automation per contact in a rolling 24 h; 0 = no cap. */
    maxRunsPerContactPerDay: z.number().int().min(0).max(100).default(5),
  })
  .strict();
export type AutomationLimits = z.infer<typeof limitsSchema>;

export const automationDefinitionSchema = z
  .object({
    name: automationNameSchema,
    description: z.string().trim().max(500).default(""),
    trigger: z.object({ event: eventNameSchema }).strict(),
    conditions: conditionGroupSchema.default({ match: "all", rules: [] }),
    actions: z.array(actionSchema).min(1).max(20),
    limits: limitsSchema.default({ maxDepth: 3, maxRunsPerContactPerDay: 5 }),
  })
  .strict();
export type AutomationDefinition = z.infer<typeof automationDefinitionSchema>;
/** What callers may pass (defaults not yet applied). */
export type AutomationDefinitionInput = z.input<typeof automationDefinitionSchema>;

export const EXECUTION_STATUSES = ["running", "succeeded", "failed", "skipped", "cancelled"] as const;
export const executionStatusSchema = z.enum(EXECUTION_STATUSES);
export type ExecutionStatus = z.infer<typeof executionStatusSchema>;

export const ACTION_RESULT_STATUSES = ["succeeded", "failed", "skipped"] as const;
export type ActionResultStatus = (typeof ACTION_RESULT_STATUSES)[number];

export function isFinalExecutionStatus(status: ExecutionStatus): boolean {
  return status !== "running";
}
