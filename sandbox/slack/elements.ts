// Interactive elements inside blocks: finding the one a person clicks, and turning what they typed or
// picked into the `actions[]` entry or `state.values` entry Slack sends for that element type.

type Json = Record<string, unknown>;

export class InputError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

export interface PlacedElement {
  blockId: string;
  element: Json;
}

/** Slack gives blocks without a block_id a generated one; ours is stable, from the position. */
export function blockIdOf(block: Json, index: number): string {
  return typeof block["block_id"] === "string" ? block["block_id"] : `b${index}`;
}

/** Blocks with every block_id filled in, as Slack stores and sends them. */
export function withBlockIds(blocks: unknown[]): unknown[] {
  return blocks.map((b, i) =>
    b && typeof b === "object" ? { ...(b as Json), block_id: blockIdOf(b as Json, i) } : b,
  );
}

/** Interactive elements of message blocks: actions elements and section accessories. */
export function interactiveElements(blocks: unknown[]): PlacedElement[] {
  const found: PlacedElement[] = [];
  blocks.forEach((raw, i) => {
    if (!raw || typeof raw !== "object") return;
    const block = raw as Json;
    const blockId = blockIdOf(block, i);
    if (Array.isArray(block["elements"]) && (block["type"] === "actions" || block["type"] === "context")) {
      for (const el of block["elements"]) {
        if (el && typeof el === "object" && typeof (el as Json)["action_id"] === "string") {
          found.push({ blockId, element: el as Json });
        }
      }
    }
    const accessory = block["accessory"];
    if (accessory && typeof accessory === "object" && typeof (accessory as Json)["action_id"] === "string") {
      found.push({ blockId, element: accessory as Json });
    }
    const element = block["element"];
    if (block["type"] === "input" && element && typeof element === "object") {
      found.push({ blockId, element: element as Json });
    }
  });
  return found;
}

function options(element: Json): Json[] {
  const direct = Array.isArray(element["options"]) ? (element["options"] as Json[]) : [];
  const grouped = Array.isArray(element["option_groups"])
    ? (element["option_groups"] as Json[]).flatMap((g) =>
        Array.isArray(g["options"]) ? (g["options"] as Json[]) : [],
      )
    : [];
  return [...direct, ...grouped];
}

function option(element: Json, value: string, where: string): Json {
  const match = options(element).find((o) => o["value"] === value);
  if (!match) {
    const known = options(element).map((o) => String(o["value"]));
    throw new InputError(400, `${where} has no option "${value}" (options: ${known.join(", ") || "none"})`);
  }
  return match;
}

const list = (value: string) =>
  value
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v);

/** The button (or menu) a click hits: by action_id, and by value when several share the action_id. */
export function findClickTarget(
  blocks: unknown[],
  actionId: string,
  value: string | undefined,
): PlacedElement {
  const candidates = interactiveElements(blocks).filter((p) => p.element["action_id"] === actionId);
  if (candidates.length === 0)
    throw new InputError(404, `the message has no button with action_id "${actionId}"`);
  if (value === undefined) return candidates[0]!;
  const byValue = candidates.find((p) => p.element["type"] !== "button" || p.element["value"] === value);
  if (!byValue) {
    throw new InputError(404, `the message has no button "${actionId}" with value "${value}"`);
  }
  return byValue;
}

/** The `actions[]` entry of a block_actions payload. */
export function actionPayload(target: PlacedElement, value: string | undefined, actionTs: string): Json {
  const { element, blockId } = target;
  const type = String(element["type"]);
  const base: Json = { type, action_id: element["action_id"], block_id: blockId, action_ts: actionTs };
  const where = `element "${String(element["action_id"])}"`;
  const need = (): string => {
    if (value === undefined) throw new InputError(400, `value is required to pick from ${where} (${type})`);
    return value;
  };
  switch (type) {
    case "button":
      return {
        ...base,
        text: element["text"],
        ...(element["value"] !== undefined ? { value: element["value"] } : {}),
        ...(element["style"] !== undefined ? { style: element["style"] } : {}),
      };
    case "static_select":
    case "external_select":
    case "radio_buttons":
    case "overflow":
      return { ...base, selected_option: option(element, need(), where) };
    case "multi_static_select":
    case "checkboxes":
      return { ...base, selected_options: list(need()).map((v) => option(element, v, where)) };
    case "users_select":
      return { ...base, selected_user: need() };
    case "conversations_select":
      return { ...base, selected_conversation: need() };
    case "channels_select":
      return { ...base, selected_channel: need() };
    case "datepicker":
      return { ...base, selected_date: need() };
    case "timepicker":
      return { ...base, selected_time: need() };
    default:
      return { ...base, ...(value !== undefined ? { value } : {}) };
  }
}

/** One `state.values[block_id][action_id]` entry; `value` undefined = left empty. */
export function stateValue(element: Json, value: string | undefined, where: string): Json {
  const type = String(element["type"]);
  switch (type) {
    case "static_select":
    case "external_select":
    case "radio_buttons":
      return { type, selected_option: value ? option(element, value, where) : null };
    case "multi_static_select":
    case "checkboxes":
      return { type, selected_options: value ? list(value).map((v) => option(element, v, where)) : [] };
    case "users_select":
      return { type, selected_user: value ?? null };
    case "multi_users_select":
      return { type, selected_users: value ? list(value) : [] };
    case "conversations_select":
      return { type, selected_conversation: value ?? null };
    case "channels_select":
      return { type, selected_channel: value ?? null };
    case "datepicker":
      return { type, selected_date: value ?? null };
    case "timepicker":
      return { type, selected_time: value ?? null };
    case "rich_text_input":
      return {
        type,
        rich_text_value: {
          type: "rich_text",
          elements: value ? [{ type: "rich_text_section", elements: [{ type: "text", text: value }] }] : [],
        },
      };
    default:
      // plain_text_input, email_text_input, url_text_input, number_input
      return { type, value: value ?? null };
  }
}

/**
 * The submitted `state.values` of a modal: every input (and actions element) of the view, filled with
 * what the person typed. A value for an input the view does not have is a mistake of the caller.
 */
export function viewState(blocks: unknown[], values: Record<string, Record<string, string>>): Json {
  const state: Record<string, Record<string, Json>> = {};
  const known = new Set<string>();
  for (const { blockId, element } of interactiveElements(blocks)) {
    const actionId = typeof element["action_id"] === "string" ? element["action_id"] : undefined;
    if (!actionId) continue;
    known.add(`${blockId}\u0000${actionId}`);
    const given = values[blockId]?.[actionId];
    if (element["type"] === "button" || element["type"] === "overflow") continue;
    state[blockId] ??= {};
    state[blockId][actionId] = stateValue(element, given, `input ${blockId}.${actionId}`);
  }
  for (const [blockId, actions] of Object.entries(values)) {
    for (const actionId of Object.keys(actions)) {
      if (!known.has(`${blockId}\u0000${actionId}`)) {
        throw new InputError(
          400,
          `the view has no input with block_id "${blockId}" and action_id "${actionId}"`,
        );
      }
    }
  }
  return state;
}
