// The only actions the model can take, as tools. Each tool's input is a strict zod schema: the JSON
// schema the model sees is generated from it, and every tool_use is validated against it before it
// reaches the agent. Orders name packs and quantities only; no tool accepts a price or a total.
import { z } from "zod";
import { MAX_LINES_PER_ORDER, MAX_PACKS_PER_LINE } from "../../../shared/domain/pricing.js";

/** "COLAGENO-500:2x": a product sku and one of its pack codes (see catalog-offer.ts). */
export const packIdSchema = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9-]{1,39}:[1-9]\d?x$/, 'pack id like "COLAGENO-500:2x"')
  .describe('Pack id exactly as listed in the catalog, e.g. "COLAGENO-500:2x"');

export const packItemSchema = z
  .object({
    packId: packIdSchema,
    qty: z
      .number()
      .int()
      .min(1)
      .max(MAX_PACKS_PER_LINE)
      .default(1)
      .describe("How many of this pack (usually 1)"),
  })
  .strict();
export type PackItem = z.infer<typeof packItemSchema>;

const packItems = z.array(packItemSchema).min(1).max(MAX_LINES_PER_ORDER);

const fieldText = (max: number, what: string) => z.string().trim().min(1).max(max).describe(what);

export const saveCustomerDataInput = z
  .object({
    name: fieldText(200, "Customer's full name as they wrote it").optional(),
    phone: fieldText(40, "Contact phone number as they wrote it").optional(),
    address: fieldText(400, "Delivery address (street, number, neighbourhood, postal code)").optional(),
    city: fieldText(200, "City (and state if given)").optional(),
  })
  .strict()
  .refine((v) => Object.values(v).some((x) => x !== undefined), "at least one field");

export const showPromosInput = z.object({}).strict();

export const selectPacksInput = z.object({ items: packItems }).strict();

export const createOrderInput = z
  .object({
    items: packItems.optional().describe("Packs to order; omit to order the packs already selected"),
  })
  .strict();

export const requestHumanInput = z
  .object({ reason: z.string().trim().min(1).max(500).describe("Why a person should take over") })
  .strict();

export const closeConversationInput = z
  .object({ reason: z.string().trim().min(1).max(200).optional() })
  .strict();

/** A validated action of the brain. `name` is the tool, `input` its validated arguments. */
export const toolCallSchema = z.discriminatedUnion("name", [
  z.object({ name: z.literal("save_customer_data"), input: saveCustomerDataInput }),
  z.object({ name: z.literal("show_promos"), input: showPromosInput }),
  z.object({ name: z.literal("select_packs"), input: selectPacksInput }),
  z.object({ name: z.literal("create_order"), input: createOrderInput }),
  z.object({ name: z.literal("request_human"), input: requestHumanInput }),
  z.object({ name: z.literal("close_conversation"), input: closeConversationInput }),
]);
export type ToolCall = z.infer<typeof toolCallSchema>;
export type ToolName = ToolCall["name"];
export type ToolCallOf<N extends ToolName> = Extract<ToolCall, { name: N }>;

/** A tool call the brain proposed that failed validation; it was dropped (reported, never applied). */
export interface RejectedToolCall {
  name: string;
  error: string;
}

const descriptions: Record<ToolName, { description: string; input: z.ZodType }> = {
  save_customer_data: {
    description:
      "Save delivery data the customer gave (name, phone, address, city). Pass only what the customer " +
      "actually wrote in this conversation. The system validates every value and asks again for invalid ones.",
    input: saveCustomerDataInput,
  },
  show_promos: {
    description:
      "Show the customer the numbered list of packs with their exact prices. The system writes the list " +
      "from the catalog; do not write prices yourself.",
    input: showPromosInput,
  },
  select_packs: {
    description:
      "Record the pack(s) the customer chose (by pack id and quantity). The system replies with the " +
      "priced summary and asks the customer to confirm.",
    input: selectPacksInput,
  },
  create_order: {
    description:
      "Create the order once the customer confirmed it and their data is complete. Prices and totals " +
      "are computed by the system from the catalog. The order then waits for approval by our staff.",
    input: createOrderInput,
  },
  request_human: {
    description:
      "Hand the conversation to a person on our team: when the customer asks for a human, has a " +
      "complaint, or asks something you cannot answer from the catalog.",
    input: requestHumanInput,
  },
  close_conversation: {
    description: "Close the conversation when the customer clearly does not want to buy now or says goodbye.",
    input: closeConversationInput,
  },
};

export const TOOL_NAMES = Object.keys(descriptions) as ToolName[];

/** JSON schema of a tool input, as Anthropic expects it (no "$schema" key). */
function inputSchema(schema: z.ZodType): { type: "object"; [key: string]: unknown } {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown>;
  return { ...json, type: "object" };
}

export interface ToolDefinition {
  name: ToolName;
  description: string;
  input_schema: { type: "object"; [key: string]: unknown };
}

/** The tool definitions sent to the model; built once so the prompt prefix stays byte-identical. */
export const TOOL_DEFINITIONS: readonly ToolDefinition[] = TOOL_NAMES.map((name) => ({
  name,
  description: descriptions[name].description,
  input_schema: inputSchema(descriptions[name].input),
}));

/** Validates one tool_use from the model: a ToolCall, or why it was dropped. */
export function parseToolCall(
  name: string,
  input: unknown,
): { ok: true; call: ToolCall } | { ok: false; rejected: RejectedToolCall } {
  const parsed = toolCallSchema.safeParse({ name, input });
  if (parsed.success) return { ok: true, call: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.filter((p) => p !== "input").join(".");
  const error = (TOOL_NAMES as string[]).includes(name)
    ? `${where ? `${where}: ` : ""}${issue?.message ?? "invalid input"}`
    : "unknown tool";
  return { ok: false, rejected: { name: name.slice(0, 64), error: error.slice(0, 300) } };
}
