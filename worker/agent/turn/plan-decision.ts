// Turns a brain decision into the plan a turn carries out step by step. Pure: no I/O, no clock. The
// plan never trusts the model with data or money:
// - customer data is normalized and validated field by field; invalid values are re-asked;
// - packs are resolved from the catalog and priced by pricing.ts; no tool carries a price;
// - replies that quote an amount the catalog does not allow are dropped;
// - mode changes follow MODE_TRANSITIONS (shared/domain/conversation.ts), one allowed step at a time.
import type {
  CollectedField,
  CollectedFields,
  CollectedPatch,
  ConversationMode,
} from "../../../shared/domain/conversation.js";
import {
  COLLECTED_FIELDS,
  isBotSilent,
  isDataComplete,
  missingFields,
  validateCollectedPatch,
} from "../../../shared/domain/conversation.js";
import { toE164 } from "../../../shared/domain/phone.js";
import type { OrderSelectionLine, PricedOrder, PricingProblem } from "../../../shared/domain/pricing.js";
import { priceOrder } from "../../../shared/domain/pricing.js";
import {
  alsoMissingFields,
  askMissingFields,
  detectLanguage,
  draftSummary,
  orderPlaced,
  promosList,
  reaskInvalidFields,
  textsIn,
  type Language,
} from "../../texts/index.js";
import { selectionFromItems } from "../brain/catalog-offer.js";
import type { ToolCall, ToolCallOf, ToolName } from "../brain/tools.js";
import type { BrainContext, BrainDecision } from "../brain/types.js";
import { rejectsSelection } from "../brain/extract.js";
import { quotableAmounts, unlistedAmounts, unlistedPromises } from "../price-guard.js";
import { targetMode, transitionsTo, type ModeTransition } from "./modes.js";

export type PlanProblem =
  | { code: "tool_call_rejected"; tool: string; error: string }
  | { code: "field_rejected"; field: string; error: string }
  | { code: "reply_with_unlisted_price"; amountsMinor: number[] }
  /** The brain's words promised a gift, a discount or a free item ("te lo dejo gratis"). */
  | { code: "reply_with_unlisted_promise"; phrases: string[] }
  | { code: "unknown_pack"; tool: "select_packs" | "create_order"; packIds: string[] }
  | { code: "pricing"; tool: "select_packs" | "create_order"; problem: PricingProblem }
  | {
      code: "order_blocked";
      reason: "customer_incomplete" | "no_items" | "order_pending" | "not_the_confirmed_selection";
      missing?: CollectedField[];
    };

/** What a planned reply is: the brain's own words, or which message code wrote. */
export type ReplyKind =
  | "brain"
  | "ask-missing"
  | "reask-invalid"
  | "draft-summary"
  | "order-placed"
  | "order-standing"
  | "order-not-placed"
  | "order-pending"
  | "choose-an-option"
  | "unknown-option"
  | "promos-list"
  | "prices-are-listed"
  | "handoff-notice"
  | "order-change-handoff"
  | "goodbye"
  | "brain-fallback";

export interface PlannedReply {
  text: string;
  kind: ReplyKind;
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
  transitions: ModeTransition[];
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

const inboundTexts = (messages: BrainContext["history"]) =>
  messages.filter((m) => m.direction === "in").map((m) => m.text);

/** The customer's language in this turn (from the new messages, else from the history). */
export function languageOf(context: BrainContext): Language {
  return detectLanguage(inboundTexts(context.newMessages), inboundTexts(context.history));
}

/** A plan that changes nothing and says nothing. */
export function emptyPlan(language: Language, silent = false): AgentPlan {
  return { silent, language, saveFields: {}, rejectedFields: [], replies: [], transitions: [], problems: [] };
}

/** Accumulates code-written messages and problems while a plan is built. */
class Notes {
  readonly replies: PlannedReply[] = [];
  readonly problems: PlanProblem[] = [];
  /** The numbered pack list should be shown now (a choice could not be understood). */
  showList = false;
  private askedMissing = false;

  constructor(
    private readonly language: Language,
    private readonly collected: Partial<CollectedFields>,
  ) {}

  say(kind: ReplyKind, text: string): void {
    this.replies.push({ text, kind });
  }

  /** Asks for missing data at most once per plan (a re-ask of invalid data counts). */
  askMissing(): void {
    if (this.askedMissing || isDataComplete(this.collected)) return;
    this.askedMissing = true;
    this.say("ask-missing", askMissingFields(missingFields(this.collected), this.language));
  }

  /** Asks again for refused values, then (in the same breath) for anything else still missing. */
  reaskInvalid(fields: CollectedField[]): void {
    if (fields.length === 0) return;
    this.askedMissing = true;
    this.say("reask-invalid", reaskInvalidFields(fields, this.language));
    const others = missingFields(this.collected).filter((f) => !fields.includes(f));
    if (others.length > 0) this.say("ask-missing", alsoMissingFields(others, this.language));
  }

  cannotFind(problem: PlanProblem): void {
    this.problems.push(problem);
    this.say("unknown-option", textsIn(this.language).unknownOption);
    this.showList = true;
  }

  orderPending(): void {
    this.problems.push({ code: "order_blocked", reason: "order_pending" });
    this.say("order-pending", textsIn(this.language).orderAlreadyPending);
  }
}

/** The brain's tool calls, by what they ask for (the last selection, the first of the others). */
interface ToolRequests {
  save: ToolCallOf<"save_customer_data">[];
  select?: ToolCallOf<"select_packs">;
  create?: ToolCallOf<"create_order">;
  human?: ToolCallOf<"request_human">;
  close?: ToolCallOf<"close_conversation">;
  showPromos: boolean;
  /** Another choice while the order waits for approval: a person changes the order. */
  orderChange?: boolean;
}

function callsOf<N extends ToolName>(calls: readonly ToolCall[], name: N): ToolCallOf<N>[] {
  return calls.filter((c): c is ToolCallOf<N> => c.name === name);
}

function readToolCalls(calls: readonly ToolCall[]): ToolRequests {
  return {
    save: callsOf(calls, "save_customer_data"),
    select: callsOf(calls, "select_packs").at(-1),
    create: callsOf(calls, "create_order")[0],
    human: callsOf(calls, "request_human")[0],
    close: callsOf(calls, "close_conversation")[0],
    showPromos: callsOf(calls, "show_promos").length > 0,
  };
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

interface CustomerData {
  collected: Partial<CollectedFields>;
  complete: boolean;
}

/** The customer chose packs: price them and ask for confirmation. The new draft, when priced. */
function planSelection(
  select: ToolCallOf<"select_packs">,
  context: BrainContext,
  notes: Notes,
  language: Language,
): PricedSelection | undefined {
  if (context.mode === "awaiting_approval") {
    notes.orderPending();
    return undefined;
  }
  const { lines, unknown } = selectionFromItems(context.catalog, select.input.items);
  const priced = priceItems("select_packs", lines, unknown, context.catalog.products);
  if (!priced.ok) {
    notes.cannotFind(priced.problem);
    return undefined;
  }
  notes.say("draft-summary", draftSummary(priced.selection.priced, language));
  notes.askMissing();
  return priced.selection;
}

/**
 * The customer confirmed: the order of the selection they saw priced and answered (the draft of the
 * previous turn), exactly. Other packs, named by the model or chosen in this same turn, are a new
 * choice the customer confirms first.
 */
function planConfirmation(
  create: ToolCallOf<"create_order">,
  context: BrainContext,
  currentLines: OrderSelectionLine[],
  data: CustomerData,
  notes: Notes,
  language: Language,
): { draft?: PricedSelection | null; createOrder?: PricedSelection } {
  const offer = context.catalog;
  const named = create.input.items ? selectionFromItems(offer, create.input.items) : undefined;
  const lines = named ? named.lines : currentLines;
  if (context.mode === "awaiting_approval") {
    notes.orderPending();
    return {};
  }
  if (lines.length === 0 && !named?.unknown.length) {
    notes.problems.push({ code: "order_blocked", reason: "no_items" });
    notes.say("choose-an-option", textsIn(language).chooseAnOption);
    notes.showList = true;
    return {};
  }
  const priced = priceItems("create_order", lines, named?.unknown ?? [], offer.products);
  if (!priced.ok) {
    notes.cannotFind(priced.problem);
    return {};
  }
  const confirmed = context.orderDraft ?? [];
  if (!sameLines(lines, confirmed)) {
    notes.problems.push({ code: "order_blocked", reason: "not_the_confirmed_selection" });
    // A selection made in this turn was just summarized for confirmation; otherwise the customer
    // sees again the selection that stands.
    if (sameLines(lines, currentLines) && !sameLines(currentLines, confirmed)) return {};
    if (confirmed.length === 0) {
      notes.say("draft-summary", draftSummary(priced.selection.priced, language));
      notes.askMissing();
      return { draft: priced.selection };
    }
    const shown = confirmed.length > 0 ? priceItems("create_order", confirmed, [], offer.products) : null;
    if (shown?.ok) notes.say("draft-summary", draftSummary(shown.selection.priced, language));
    else {
      notes.say("choose-an-option", textsIn(language).chooseAnOption);
      notes.showList = true;
    }
    return {};
  }
  if (!data.complete) {
    notes.problems.push({
      code: "order_blocked",
      reason: "customer_incomplete",
      missing: missingFields(data.collected),
    });
    // Keep the choice so the order can be made as soon as the data is complete.
    notes.askMissing();
    return { draft: priced.selection };
  }
  notes.say("order-placed", orderPlaced(priced.selection.priced, language));
  return { draft: null, createOrder: priced.selection };
}

/** The same packs and quantities, in any order. */
function sameLines(a: readonly OrderSelectionLine[], b: readonly OrderSelectionLine[]): boolean {
  const key = (lines: readonly OrderSelectionLine[]) =>
    lines
      .map((l) => `${l.sku}:${l.pack}x${l.qty}`)
      .sort()
      .join("|");
  return a.length > 0 && key(a) === key(b);
}

/** Selection and confirmation (never while the customer asks for a person). */
function planOrder(
  calls: ToolRequests,
  context: BrainContext,
  data: CustomerData,
  notes: Notes,
  language: Language,
): { draft?: PricedSelection | null; createOrder?: PricedSelection } {
  if (calls.human) return {};
  const selected = calls.select ? planSelection(calls.select, context, notes, language) : undefined;
  if (!calls.create) return selected ? { draft: selected } : {};
  const lines = selected?.lines ?? context.orderDraft ?? [];
  const confirmed = planConfirmation(calls.create, context, lines, data, notes, language);
  const draft = confirmed.draft !== undefined ? confirmed.draft : selected;
  return {
    ...(draft !== undefined ? { draft } : {}),
    ...(confirmed.createOrder ? { createOrder: confirmed.createOrder } : {}),
  };
}

/** Promotions: sent after entering promos (unless a pack is already chosen), or now on request. */
function planPromos(
  calls: ToolRequests,
  context: BrainContext,
  target: ConversationMode,
  draft: PricedSelection | null | undefined,
  notes: Notes,
  language: Language,
): AgentPlan["promos"] {
  const offer = context.catalog;
  if (target === "promos" && context.mode !== "promos") {
    return {
      packIds: offer.packs.map((p) => p.packId),
      ...(draft ? {} : { text: promosList(offer, language) }),
    };
  }
  if (!calls.human && (calls.showPromos || notes.showList)) {
    notes.say("promos-list", promosList(offer, language));
    if (calls.showPromos) notes.askMissing();
  }
  return undefined;
}

/** The brain's own words, minus any that quote an amount the catalog does not allow. */
function brainWords(
  context: BrainContext,
  decision: BrainDecision,
  plannedTotals: readonly number[],
  notes: Notes,
): { replies: PlannedReply[]; droppedForPrice: boolean } {
  const offer = context.catalog;
  const previousDraft = context.orderDraft?.length ? priceOrder(context.orderDraft, offer.products) : null;
  const allowed = quotableAmounts(offer, [
    ...(previousDraft?.ok ? [previousDraft.order.totalMinor] : []),
    ...plannedTotals,
  ]);
  const replies: PlannedReply[] = [];
  let droppedForPrice = false;
  for (const text of decision.replies) {
    const bad = unlistedAmounts(text, allowed);
    const promises = unlistedPromises(text);
    if (bad.length > 0) {
      droppedForPrice = true;
      notes.problems.push({ code: "reply_with_unlisted_price", amountsMinor: bad });
    } else if (promises.length > 0) {
      droppedForPrice = true;
      notes.problems.push({ code: "reply_with_unlisted_promise", phrases: promises });
    } else if (text.trim() !== "") replies.push({ text: text.trim(), kind: "brain" });
  }
  return { replies, droppedForPrice };
}

/**
 * The customer said no to the selection ("no, del magnesio") and chose nothing else: the selection
 * is gone, so nothing (a timer included) can order it.
 */
function turnsDownSelection(context: BrainContext, calls: ToolRequests): boolean {
  if (!context.orderDraft?.length || calls.select || calls.create) return false;
  const last = inboundTexts(context.newMessages).at(-1);
  return last !== undefined && rejectsSelection(last);
}

export function planDecision({ context, decision, defaultCountryCode }: PlanInput): AgentPlan {
  const language = languageOf(context);
  const plan = emptyPlan(language, isBotSilent(context.mode));
  if (plan.silent) return plan;
  const calls = readToolCalls(decision.toolCalls);
  const changeOfOrder = context.mode === "awaiting_approval" && Boolean(calls.select) && !calls.human;
  if (changeOfOrder) {
    // The order waits for approval: another choice goes to a person, who changes the order.
    calls.select = undefined;
    calls.create = undefined;
    calls.human = {
      name: "request_human",
      input: { reason: "The customer wants to change the order waiting for approval" },
    };
    calls.orderChange = true;
  }

  // Customer data: normalize, validate each field, keep the good ones, re-ask the bad ones.
  const { accepted, rejected } = validateCollectedPatch(normalizePatch(calls.save, defaultCountryCode));
  // The WhatsApp number is the delivery phone until the customer gives another one.
  if (context.defaultedPhone && !accepted.phone && !rejected.some((r) => r.field === "phone")) {
    accepted.phone = context.defaultedPhone;
  }
  plan.saveFields = accepted;
  plan.rejectedFields = rejected;
  const collected: Partial<CollectedFields> = { ...context.collected, ...accepted };
  const data = { collected, complete: isDataComplete(collected) };
  const notes = new Notes(language, collected);
  for (const r of decision.rejectedToolCalls) {
    notes.problems.push({ code: "tool_call_rejected", tool: r.name, error: r.error });
  }
  for (const r of rejected) notes.problems.push({ code: "field_rejected", field: r.field, error: r.error });
  notes.reaskInvalid(COLLECTED_FIELDS.filter((f) => rejected.some((r) => r.field === f)));

  const { draft, createOrder } = planOrder(calls, context, data, notes, language);
  if (draft !== undefined) plan.orderDraft = draft;
  else if (turnsDownSelection(context, calls)) plan.orderDraft = null;
  if (createOrder) plan.createOrder = createOrder;

  const target = targetMode(context.mode, {
    handoff: Boolean(calls.human),
    ordered: Boolean(createOrder),
    closed: Boolean(calls.close),
    dataComplete: data.complete,
  });
  plan.transitions = transitionsTo(context.mode, target);
  if (calls.human) {
    plan.handoff = {
      reason:
        calls.orderChange || inboundTexts(context.newMessages).some((t) => ASKED_FOR_HUMAN.test(t))
          ? "customer-asked"
          : "model-requested",
      summary: calls.human.input.reason.slice(0, 300),
    };
  }
  const promos = planPromos(calls, context, target, draft, notes, language);
  if (promos) plan.promos = promos;

  const totals = [draft, createOrder].flatMap((s) => (s ? [s.priced.totalMinor] : []));
  const words = brainWords(context, decision, totals, notes);
  plan.replies = orderedReplies(context, plan, calls, words, notes);

  // Never leave the customer without an answer while data is missing.
  if (plan.replies.length === 0 && !plan.promos && !data.complete && !calls.close && !calls.human) {
    plan.replies.push({ kind: "ask-missing", text: askMissingFields(missingFields(collected), language) });
  }
  plan.problems = notes.problems;
  return plan;
}

/**
 * The replies in order: the brain's words, then what code wrote, with the official list after a
 * dropped price and a notice when the brain said nothing on a handoff or a goodbye.
 */
function orderedReplies(
  context: BrainContext,
  plan: AgentPlan,
  calls: ToolRequests,
  words: { replies: PlannedReply[]; droppedForPrice: boolean },
  notes: Notes,
): PlannedReply[] {
  const t = textsIn(plan.language);
  const listSent = notes.replies.some((r) => r.kind === "promos-list") || plan.promos?.text !== undefined;
  if (words.droppedForPrice && !listSent) {
    notes.say("prices-are-listed", t.pricesAreTheListed);
    notes.say("promos-list", promosList(context.catalog, plan.language));
  }
  // A create_order that did not become an order: the brain's words may announce one; never send them.
  if (calls.create && !plan.createOrder) words = { ...words, replies: [] };
  if (calls.orderChange) {
    // Whatever the brain wrote about the change, the customer is told who makes it.
    words = { ...words, replies: [] };
    notes.say("order-change-handoff", t.orderChangeHandoff);
  }
  const brainSaidNothing = words.replies.length === 0;
  if (calls.human && brainSaidNothing) notes.say("handoff-notice", t.handoffNotice);
  if (calls.close && !calls.human && brainSaidNothing) notes.say("goodbye", t.goodbyeNotice);
  return [...words.replies, ...notes.replies];
}
