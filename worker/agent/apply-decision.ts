// Turns a brain decision into a plan the agent function executes step by step. Pure: no I/O, no
// clock. The plan never trusts the model with data or money:
// - customer data is normalized and validated field by field; invalid values are re-asked;
// - packs are resolved from the catalog and priced by pricing.ts; no tool carries a price;
// - replies that quote an amount the catalog does not allow are dropped;
// - mode changes follow MODE_TRANSITIONS (shared/domain/conversation.ts), one allowed step at a time.
import type {
  CollectedField,
  CollectedFields,
  CollectedPatch,
  ConversationMode,
} from "../../shared/domain/conversation.js";
import {
  COLLECTED_FIELDS,
  MODE_TRANSITIONS,
  isBotSilent,
  isDataComplete,
  missingFields,
  validateCollectedPatch,
} from "../../shared/domain/conversation.js";
import { toE164 } from "../../shared/domain/phone.js";
import type { OrderSelectionLine, PricedOrder, PricingProblem } from "../../shared/domain/pricing.js";
import { priceOrder } from "../../shared/domain/pricing.js";
import { selectionFromItems } from "./brain/catalog-offer.js";
import type { ToolCall, ToolCallOf, ToolName } from "./brain/tools.js";
import type { BrainContext, BrainDecision } from "./brain/types.js";
import {
  askMissingFields,
  detectLanguage,
  draftSummary,
  orderPlaced,
  promosList,
  reaskInvalidFields,
  textsIn,
  type Language,
} from "../texts/index.js";
import { quotableAmounts, unlistedAmounts } from "./price-guard.js";

export type PlanProblem =
  | { code: "tool_call_rejected"; tool: string; error: string }
  | { code: "field_rejected"; field: string; error: string }
  | { code: "reply_with_unlisted_price"; amountsMinor: number[] }
  | { code: "unknown_pack"; tool: "select_packs" | "create_order"; packIds: string[] }
  | { code: "pricing"; tool: "select_packs" | "create_order"; problem: PricingProblem }
  | {
      code: "order_blocked";
      reason: "customer_incomplete" | "no_items" | "order_pending";
      missing?: CollectedField[];
    };

export interface PlannedReply {
  text: string;
  /** brain: written by the model/rules; system: written by code (prices, re-asks, notices). */
  source: "brain" | "system";
}

export interface PricedSelection {
  lines: OrderSelectionLine[];
  priced: PricedOrder;
}

export interface AgentPlan {
  /** handoff/opted_out: do nothing at all (no reply, no state change). */
  silent: boolean;
  language: Language;
  /** Normalized, validated customer data to store (conversations.saveCollected). */
  saveFields: CollectedPatch;
  /** Proposed values that failed validation; `replies` already asks for them again. */
  rejectedFields: { field: string; error: string }[];
  /** undefined: leave the draft; null: clear it; otherwise store these lines. */
  orderDraft?: PricedSelection | null;
  /** Order to create (source "agent"); lines and prices computed from the catalog. */
  createOrder?: PricedSelection;
  /** Messages to send now, in order. */
  replies: PlannedReply[];
  /** Mode changes to make in order (each allowed by MODE_TRANSITIONS); empty = stay. */
  transitions: { from: ConversationMode; to: ConversationMode }[];
  /**
   * Set when the conversation enters `promos`: announce agent/promos.offered with these pack ids and,
   * when `text` is set, send it after the transition (the customer has not chosen a pack yet).
   */
  promos?: { packIds: string[]; text?: string };
  handoff?: { reason: "customer-asked" | "model-requested"; summary: string };
  /** PII-free notes for logs and alerts. */
  problems: PlanProblem[];
}

export interface PlanInput {
  context: BrainContext;
  decision: BrainDecision;
  /** For phone numbers written without a country code (config whatsapp.defaultCountryCode). */
  defaultCountryCode?: string;
}

const ASKED_FOR_HUMAN =
  /\b(humano|human|persona|person|asesor[a]?|agente|agent|representante|representative|operador[a]?)\b/i;

function callsOf<N extends ToolName>(calls: readonly ToolCall[], name: N): ToolCallOf<N>[] {
  return calls.filter((c): c is ToolCallOf<N> => c.name === name);
}

/** Shortest allowed path of modes from `from` to `to` (excluding `from`), or null. */
export function modePath(from: ConversationMode, to: ConversationMode): ConversationMode[] | null {
  if (from === to) return [];
  const previous = new Map<ConversationMode, ConversationMode>();
  const queue: ConversationMode[] = [from];
  while (queue.length > 0) {
    const mode = queue.shift() as ConversationMode;
    for (const next of MODE_TRANSITIONS[mode]) {
      if (next === from || previous.has(next)) continue;
      previous.set(next, mode);
      if (next === to) {
        const path: ConversationMode[] = [to];
        for (let m = mode; m !== from; m = previous.get(m) as ConversationMode) path.unshift(m);
        return path;
      }
      queue.push(next);
    }
  }
  return null;
}

function normalizePatch(
  calls: readonly ToolCallOf<"save_customer_data">[],
  defaultCountryCode: string | undefined,
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const call of calls) {
    for (const [field, value] of Object.entries(call.input)) {
      if (value !== undefined) patch[field] = value;
    }
  }
  if (typeof patch.phone === "string") patch.phone = toE164(patch.phone, defaultCountryCode) ?? patch.phone;
  return patch;
}

/** What the conversation's mode should become after this decision (before path-finding). */
export function targetMode(
  mode: ConversationMode,
  outcome: { handoff: boolean; ordered: boolean; closed: boolean; dataComplete: boolean },
): ConversationMode {
  if (outcome.handoff) return "handoff";
  if (outcome.ordered) return "awaiting_approval";
  if (outcome.closed) return "closed";
  if (outcome.dataComplete && mode !== "promos" && mode !== "awaiting_approval") return "promos";
  if (!outcome.dataComplete && (mode === "greeting" || mode === "closed")) return "collecting_data";
  return mode;
}

/** Accumulates code-written messages and problems while a plan is built. */
class Notes {
  readonly texts: string[] = [];
  readonly problems: PlanProblem[] = [];
  /** The numbered pack list should be shown now (a choice could not be understood). */
  showList = false;
  private askedMissing = false;

  constructor(
    private readonly language: Language,
    private readonly collected: Partial<CollectedFields>,
  ) {}

  say(text: string): void {
    this.texts.push(text);
  }

  /** Asks for missing data at most once per plan (a re-ask of invalid data counts). */
  askMissing(): void {
    if (this.askedMissing || isDataComplete(this.collected)) return;
    this.askedMissing = true;
    this.say(askMissingFields(missingFields(this.collected), this.language));
  }

  reaskInvalid(fields: CollectedField[]): void {
    if (fields.length === 0) return;
    this.askedMissing = true;
    this.say(reaskInvalidFields(fields, this.language));
  }

  cannotFind(problem: PlanProblem): void {
    this.problems.push(problem);
    this.say(textsIn(this.language).unknownOption);
    this.showList = true;
  }
}

type Priced = { ok: true; selection: PricedSelection } | { ok: false; problem: PlanProblem };

function priceItems(
  tool: "select_packs" | "create_order",
  lines: OrderSelectionLine[],
  unknown: string[],
  products: BrainContext["catalog"]["products"],
): Priced {
  if (unknown.length > 0) return { ok: false, problem: { code: "unknown_pack", tool, packIds: unknown } };
  const priced = priceOrder(lines, products);
  return priced.ok
    ? { ok: true, selection: { lines, priced: priced.order } }
    : { ok: false, problem: { code: "pricing", tool, problem: priced.problem } };
}

export function planDecision({ context, decision, defaultCountryCode }: PlanInput): AgentPlan {
  const inbound = context.newMessages.filter((m) => m.direction === "in").map((m) => m.text);
  const language = detectLanguage(
    inbound,
    context.history.filter((m) => m.direction === "in").map((m) => m.text),
  );
  const plan: AgentPlan = {
    silent: isBotSilent(context.mode),
    language,
    saveFields: {},
    rejectedFields: [],
    replies: [],
    transitions: [],
    problems: [],
  };
  if (plan.silent) return plan;

  const { mode, catalog: offer } = context;
  const calls = decision.toolCalls;
  const human = callsOf(calls, "request_human")[0];
  const close = callsOf(calls, "close_conversation")[0];
  const showPromos = callsOf(calls, "show_promos").length > 0;

  // Customer data: normalize, validate each field, keep the good ones, re-ask the bad ones.
  const { accepted, rejected } = validateCollectedPatch(
    normalizePatch(callsOf(calls, "save_customer_data"), defaultCountryCode),
  );
  plan.saveFields = accepted;
  plan.rejectedFields = rejected;
  const collected: Partial<CollectedFields> = { ...context.collected, ...accepted };
  const complete = isDataComplete(collected);
  const notes = new Notes(language, collected);
  for (const r of decision.rejectedToolCalls) {
    notes.problems.push({ code: "tool_call_rejected", tool: r.name, error: r.error });
  }
  for (const r of rejected) notes.problems.push({ code: "field_rejected", field: r.field, error: r.error });
  notes.reaskInvalid(COLLECTED_FIELDS.filter((f) => rejected.some((r) => r.field === f)));

  let draft: PricedSelection | null | undefined;
  let currentLines = context.orderDraft ?? [];
  const orderPending = () => {
    notes.problems.push({ code: "order_blocked", reason: "order_pending" });
    notes.say(textsIn(language).orderAlreadyPending);
  };

  // The customer chose packs: price them and ask for confirmation.
  const select = callsOf(calls, "select_packs").at(-1);
  if (select && !human) {
    if (mode === "awaiting_approval") orderPending();
    else {
      const { lines, unknown } = selectionFromItems(offer, select.input.items);
      const priced = priceItems("select_packs", lines, unknown, offer.products);
      if (!priced.ok) notes.cannotFind(priced.problem);
      else {
        draft = priced.selection;
        currentLines = lines;
        notes.say(draftSummary(priced.selection.priced, language));
        notes.askMissing();
      }
    }
  }

  // The customer confirmed: create the order from the items named, or from the selection.
  const create = callsOf(calls, "create_order")[0];
  if (create && !human) {
    const named = create.input.items ? selectionFromItems(offer, create.input.items) : undefined;
    const lines = named ? named.lines : currentLines;
    if (mode === "awaiting_approval") orderPending();
    else if (lines.length === 0 && !named?.unknown.length) {
      notes.problems.push({ code: "order_blocked", reason: "no_items" });
      notes.say(textsIn(language).chooseAnOption);
      notes.showList = true;
    } else {
      const priced = priceItems("create_order", lines, named?.unknown ?? [], offer.products);
      if (!priced.ok) notes.cannotFind(priced.problem);
      else if (!complete) {
        notes.problems.push({
          code: "order_blocked",
          reason: "customer_incomplete",
          missing: missingFields(collected),
        });
        // Keep the choice so the order can be made as soon as the data is complete.
        draft = priced.selection;
        notes.askMissing();
      } else {
        plan.createOrder = priced.selection;
        draft = null;
        notes.say(orderPlaced(priced.selection.priced, language));
      }
    }
  }
  if (draft !== undefined) plan.orderDraft = draft;

  // Where the conversation goes next, one allowed step at a time.
  const target = targetMode(mode, {
    handoff: Boolean(human),
    ordered: Boolean(plan.createOrder),
    closed: Boolean(close),
    dataComplete: complete,
  });
  let from = mode;
  for (const to of modePath(mode, target) ?? []) {
    plan.transitions.push({ from, to });
    from = to;
  }
  if (human) {
    plan.handoff = {
      reason: inbound.some((t) => ASKED_FOR_HUMAN.test(t)) ? "customer-asked" : "model-requested",
      summary: human.input.reason.slice(0, 300),
    };
  }

  // Promotions: sent after entering promos (unless a pack is already chosen), or now on request.
  if (target === "promos" && mode !== "promos") {
    plan.promos = {
      packIds: offer.packs.map((p) => p.packId),
      ...(draft ? {} : { text: promosList(offer, language) }),
    };
  } else if (!human && (showPromos || notes.showList)) {
    notes.say(promosList(offer, language));
    if (showPromos) notes.askMissing();
  }

  // The brain's own words, minus any that quote an amount the catalog does not allow.
  const previousDraft = context.orderDraft?.length ? priceOrder(context.orderDraft, offer.products) : null;
  const allowed = quotableAmounts(offer, [
    ...(previousDraft?.ok ? [previousDraft.order.totalMinor] : []),
    ...(draft ? [draft.priced.totalMinor] : []),
    ...(plan.createOrder ? [plan.createOrder.priced.totalMinor] : []),
  ]);
  let droppedForPrice = false;
  for (const text of decision.replies) {
    const bad = unlistedAmounts(text, allowed);
    if (bad.length > 0) {
      droppedForPrice = true;
      notes.problems.push({ code: "reply_with_unlisted_price", amountsMinor: bad });
    } else if (text.trim() !== "") plan.replies.push({ text: text.trim(), source: "brain" });
  }
  const listSent =
    notes.texts.some((t) => t === promosList(offer, language)) || plan.promos?.text !== undefined;
  if (droppedForPrice && !listSent) {
    notes.say(textsIn(language).pricesAreTheListed);
    notes.say(promosList(offer, language));
  }
  if (human && plan.replies.length === 0) notes.say(textsIn(language).handoffNotice);
  if (close && !human && plan.replies.length === 0) notes.say(textsIn(language).goodbyeNotice);
  for (const text of notes.texts) plan.replies.push({ text, source: "system" });

  // Never leave the customer without an answer while data is missing.
  if (plan.replies.length === 0 && !plan.promos && !complete && !close && !human) {
    plan.replies.push({ text: askMissingFields(missingFields(collected), language), source: "system" });
  }
  plan.problems = notes.problems;
  return plan;
}
