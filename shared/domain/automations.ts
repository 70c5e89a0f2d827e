// CRM automation definitions: "when <trigger> and <conditions>, do <actions>". Validated here, at the
// edge, so a definition stored in MongoDB is always runnable; a bad one is refused with a message that
// names the field. Evaluation (conditions, variables, trigger config) lives in automations-*.ts.
import { z } from "zod";
import { checkSafeRegex } from "./automations-regex.js";

/** Admins type it in `/automation enable <name>`: lower-case slug. */
export const automationNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_-]{1,62}$/, "name: 2-63 lower-case letters, digits, '-' or '_'");

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

export const tagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "tag: lower-case letters, digits, '-' or '_'");

/** Pipeline and stage names ("ventas", "seguimiento"). */
export const stageNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "lower-case letters, digits, '-' or '_'");

/** A custom contact field an automation may set ("origen", "ultimo_pedido"). */
export const customFieldSchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, "field: lower-case letters, digits or '_', starting with a letter");

const slackUserSchema = z.string().regex(/^[UW][A-Z0-9]{2,20}$/, "Slack user id like U024BE7LH");

/** A pattern admins write: compiled and checked for catastrophic backtracking (automations-regex.ts). */
export const safeRegexSchema = z
  .object({ pattern: z.string().max(500), flags: z.string().max(4).default("i") })
  .strict()
  .superRefine((re, ctx) => {
    const check = checkSafeRegex(re.pattern, re.flags);
    if (!check.ok)
      ctx.addIssue({ code: "custom", path: ["pattern"], message: `unsafe regex: ${check.reason}` });
  });
export type SafeRegex = z.infer<typeof safeRegexSchema>;

// ---- triggers ----

export const TRIGGER_TYPES = [
  "contact.created",
  "message.keyword",
  "conversation.mode_changed",
  "order.created",
  "order.status_changed",
  "tag.added",
  "tag.removed",
  "stage.changed",
  "field.changed",
  "contact.inactive",
] as const;
export const triggerTypeSchema = z.enum(TRIGGER_TYPES);
export type TriggerType = (typeof TRIGGER_TYPES)[number];

const empty = z.object({}).strict().default({});
const modeList = z.array(z.string().min(1).max(40)).min(1).max(10);

export const triggerSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("contact.created"), config: empty }).strict(),
  z
    .object({
      type: z.literal("message.keyword"),
      config: z
        .object({
          /** Whole words (any case, accents ignored): any one of them fires. */
          words: z.array(z.string().trim().min(1).max(40)).max(20).optional(),
          regex: safeRegexSchema.optional(),
        })
        .strict()
        .refine((c) => (c.words?.length ?? 0) > 0 || c.regex !== undefined, "give words or a regex"),
    })
    .strict(),
  z
    .object({
      type: z.literal("conversation.mode_changed"),
      config: z.object({ from: modeList.optional(), to: modeList.optional() }).strict().default({}),
    })
    .strict(),
  z.object({ type: z.literal("order.created"), config: empty }).strict(),
  z
    .object({
      type: z.literal("order.status_changed"),
      config: z
        .object({
          statuses: z
            .array(z.enum(["approved", "rejected", "expired"]))
            .min(1)
            .optional(),
        })
        .strict()
        .default({}),
    })
    .strict(),
  z
    .object({
      type: z.literal("tag.added"),
      config: z.object({ tag: tagSchema.optional() }).strict().default({}),
    })
    .strict(),
  z
    .object({
      type: z.literal("tag.removed"),
      config: z.object({ tag: tagSchema.optional() }).strict().default({}),
    })
    .strict(),
  z
    .object({
      type: z.literal("stage.changed"),
      config: z
        .object({ pipeline: stageNameSchema.optional(), stage: stageNameSchema.optional() })
        .strict()
        .default({}),
    })
    .strict(),
  z
    .object({
      type: z.literal("field.changed"),
      config: z
        .object({
          field: z
            .string()
            .regex(/^[a-z][a-z0-9_]{0,39}$/, "field name")
            .optional(),
        })
        .strict()
        .default({}),
    })
    .strict(),
  z
    .object({
      type: z.literal("contact.inactive"),
      /** No inbound message for this many days. */
      config: z.object({ days: z.number().int().min(1).max(365) }).strict(),
    })
    .strict(),
]);
export type AutomationTrigger = z.infer<typeof triggerSchema>;

// ---- conditions ----

/** `contact.tags`, `conversation.mode`, `order.totalMinor`, `event.text`; never a `$` operator. */
export const fieldPathSchema = z
  .string()
  .regex(
    /^(contact|conversation|order|event)(\.[A-Za-z_][A-Za-z0-9_]*){1,5}$/,
    "field path starting with contact., conversation., order. or event.",
  );

const scalarSchema = z.union([z.string().max(500), z.number(), z.boolean()]);

export const CONDITION_OPERATORS = [
  "equals",
  "not_equals",
  "contains",
  "not_contains",
  "starts_with",
  "in",
  "not_in",
  "gt",
  "gte",
  "lt",
  "lte",
  "exists",
  "not_exists",
  "matches",
] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

export const conditionSchema = z.discriminatedUnion("op", [
  z.object({ field: fieldPathSchema, op: z.enum(["equals", "not_equals"]), value: scalarSchema }).strict(),
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
      op: z.enum(["contains", "not_contains", "starts_with"]),
      value: z.string().min(1).max(200),
    })
    .strict(),
  z.object({ field: fieldPathSchema, op: z.enum(["gt", "gte", "lt", "lte"]), value: z.number() }).strict(),
  z.object({ field: fieldPathSchema, op: z.enum(["exists", "not_exists"]) }).strict(),
  z.object({ field: fieldPathSchema, op: z.literal("matches"), value: safeRegexSchema }).strict(),
]);
export type Condition = z.infer<typeof conditionSchema>;

const matchSchema = z.enum(["all", "any"]);
export const conditionGroupSchema = z
  .object({ match: matchSchema.default("all"), rules: z.array(conditionSchema).min(1).max(20) })
  .strict();
export type ConditionGroup = z.infer<typeof conditionGroupSchema>;

/** Groups combined with AND ("all") or OR ("any"); each group combines its rules the same way. */
export const conditionsSchema = z
  .object({ match: matchSchema.default("all"), groups: z.array(conditionGroupSchema).max(10).default([]) })
  .strict();
export type Conditions = z.infer<typeof conditionsSchema>;

// ---- actions ----

const templateText = (max: number) => z.string().trim().min(1).max(max);

export const actionSchema = z.discriminatedUnion("type", [
  /** Texts may use {{contact.name}}-style variables (automations-variables.ts). */
  z.object({ type: z.literal("send_whatsapp"), text: templateText(1000) }).strict(),
  z.object({ type: z.literal("add_tag"), tag: tagSchema }).strict(),
  z.object({ type: z.literal("remove_tag"), tag: tagSchema }).strict(),
  z.object({ type: z.literal("change_stage"), pipeline: stageNameSchema, stage: stageNameSchema }).strict(),
  z
    .object({ type: z.literal("update_field"), field: customFieldSchema, value: z.string().max(500) })
    .strict(),
  z
    .object({
      type: z.literal("notify_slack"),
      text: templateText(2000),
      /** Channel id or name; unset = the Slack side's sales channel. */
      channel: z
        .string()
        .regex(/^([CG][A-Z0-9]{2,20}|[a-z0-9][a-z0-9_-]{0,79})$/, "Slack channel id or name")
        .optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal("webhook"),
      url: z.url({ protocol: /^https?$/, error: "an http(s) URL" }).max(2000),
    })
    .strict(),
  z
    .object({
      type: z.literal("create_task"),
      assignee: slackUserSchema,
      title: templateText(300),
      /** Due this long after the task is created. */
      due: durationSchema.optional(),
    })
    .strict(),
  z.object({ type: z.literal("handoff"), note: z.string().trim().max(500).optional() }).strict(),
  z.object({ type: z.literal("delay"), duration: durationSchema }).strict(),
]);
export type AutomationAction = z.infer<typeof actionSchema>;
export type AutomationActionType = AutomationAction["type"];
export const ACTION_TYPES = [
  "send_whatsapp",
  "add_tag",
  "remove_tag",
  "change_stage",
  "update_field",
  "notify_slack",
  "webhook",
  "create_task",
  "handoff",
  "delay",
] as const satisfies readonly AutomationActionType[];

/** Runs per automation per contact in a rolling 24 h (0 = no cap): a second guard against loops. */
export const limitsSchema = z
  .object({ maxRunsPerContactPerDay: z.number().int().min(0).max(100).default(10) })
  .strict();
export type AutomationLimits = z.infer<typeof limitsSchema>;

export const automationDefinitionSchema = z
  .object({
    name: automationNameSchema,
    description: z.string().trim().max(500).default(""),
    trigger: triggerSchema,
    conditions: conditionsSchema.default({ match: "all", groups: [] }),
    actions: z.array(actionSchema).min(1).max(20),
    limits: limitsSchema.default({ maxRunsPerContactPerDay: 10 }),
  })
  .strict();
export type AutomationDefinition = z.infer<typeof automationDefinitionSchema>;
/** What callers may pass (defaults not yet applied). */
export type AutomationDefinitionInput = z.input<typeof automationDefinitionSchema>;

/** Human-readable problems of a definition, each naming the field ("actions.1.duration: ..."). */
export function describeDefinitionErrors(raw: unknown): string[] {
  const parsed = automationDefinitionSchema.safeParse(raw);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => `${i.path.join(".") || "(definition)"}: ${i.message}`);
}

// ---- executions ----

/** How a run ends (what `automation/execution.finished` reports). */
export const FINAL_EXECUTION_STATUSES = [
  "succeeded",
  "failed",
  /** Disabled between two actions. */
  "stopped",
  /** Disabled while waiting in a delay: the engine cancelled the run. */
  "cancelled",
  /** Cascade too deep, or the automation would have triggered itself. */
  "loop",
  "not_matched",
  "rate_limited",
] as const;
export const EXECUTION_STATUSES = ["running", ...FINAL_EXECUTION_STATUSES] as const;
export const executionStatusSchema = z.enum(EXECUTION_STATUSES);
export type ExecutionStatus = z.infer<typeof executionStatusSchema>;

export const ACTION_RESULT_STATUSES = ["pending", "running", "succeeded", "failed", "skipped"] as const;
export type ActionResultStatus = (typeof ACTION_RESULT_STATUSES)[number];

export function isFinalExecutionStatus(status: ExecutionStatus): boolean {
  return status !== "running";
}
