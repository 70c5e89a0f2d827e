// Offline brain, used when ANTHROPIC_API_KEY is not set: patterns instead of a model. Deterministic,
// Spanish and English, written for the way customers chat (informal, several fields in one message,
// "soy Ana", "vivo en …", "CDMX" at the end of an address, "sí"/"va"/"dale"):
// - data: labelled ("me llamo", "vivo en", "ciudad:"), unlabelled parts ("Ana, Av Juárez 45, GDL")
//   or a bare answer to what it asked; the phone is the WhatsApp number unless the customer gives
//   another one;
// - products: a question about one product is answered about that product; "quiero 2" is a quantity
//   of the product the customer is talking about, never option 2 of the list; a choice it cannot
//   resolve gets a short question naming the options;
// - a choice made while data is still missing is kept, and confirmed once the data is complete.
// Like the model, it only proposes: turn/plan-decision.ts validates, prices and decides the mode.
import type { CollectedField, CollectedFields } from "../../../shared/domain/conversation.js";
import { isBotSilent, missingFields, validateCollectedPatch } from "../../../shared/domain/conversation.js";
import type { Product } from "../../../shared/domain/catalog.js";
import { toE164 } from "../../../shared/domain/phone.js";
import { askMissingFields, detectLanguage, textsIn, type Language } from "../../texts/index.js";
import type { CatalogOffer, PackOffer } from "./catalog-offer.js";
import { packByNumber, packIdOf } from "./catalog-offer.js";
import type { ExtractedFields } from "./extract.js";
import {
  asksForPrices,
  chosenNumber,
  extractFields,
  extractUnlabeledParts,
  isGoodbye,
  isGreeting,
  isNo,
  isYes,
  knownCity,
  looksLikeAddress,
  looksLikeName,
  meansThisNumber,
  mentionedProducts,
  rejectsSelection,
  splitTrailingCity,
  wantedUnits,
  wantsHuman,
} from "./extract.js";
import type { ToolCall } from "./tools.js";
import { parseToolCall } from "./tools.js";
import type { Brain, BrainContext, BrainDecision } from "./types.js";

const ORDER_CHANGE = "The customer wants to change the order waiting for approval";

const say = (language: Language, es: string, en: string) => (language === "es" ? es : en);

function firstName(name: string | undefined): string {
  return name ? ` ${name.split(/\s+/)[0]}` : "";
}

/** A bare answer ("Monterrey", "Av Juárez 45", "Ana López") to what is still missing. */
function bareAnswer(text: string, missing: readonly CollectedField[]): ExtractedFields {
  const t = text.trim();
  if (missing.length === 0 || t.length < 2 || t.length > 200) return {};
  if (isYes(t) || isNo(t) || isGreeting(t) || asksForPrices(t) || chosenNumber(t) !== null || t.endsWith("?"))
    return {};
  if (wantedUnits(t) !== null || meansThisNumber(t)) return {};
  const city = knownCity(t);
  if (city && missing.includes("city")) return { city };
  if (looksLikeAddress(t) && missing.includes("address")) {
    const split = splitTrailingCity(t);
    return split && missing.includes("city") ? split : { address: t };
  }
  const digits = t.replace(/\D/g, "");
  if (digits.length >= 8 && !/\p{L}{3,}/u.test(t)) return { phone: t };
  const field = missing[0];
  if (field === "name") return looksLikeName(t) ? { name: t } : {};
  if (field === "address" || field === "city") return /\d/.test(t) || field === "city" ? { [field]: t } : {};
  return {};
}

/** The fields the plan will accept (the same validation), so the brain never counts a refused one. */
function acceptedFields(extracted: ExtractedFields): {
  accepted: Partial<CollectedFields>;
  refused: boolean;
} {
  const patch: Record<string, unknown> = { ...extracted };
  if (typeof patch.phone === "string") patch.phone = toE164(patch.phone, "52") ?? patch.phone;
  const { accepted, rejected } = validateCollectedPatch(patch);
  return { accepted, refused: rejected.length > 0 };
}

/** Like the Claude adapter, every proposed call goes through the tools' zod schemas. */
export function decideByRules(context: BrainContext): BrainDecision {
  const proposed = proposeByRules(context);
  const decision: BrainDecision = { ...proposed, toolCalls: [], rejectedToolCalls: [] };
  for (const call of proposed.toolCalls) {
    const parsed = parseToolCall(call.name, call.input);
    if (parsed.ok) decision.toolCalls.push(parsed.call);
    else decision.rejectedToolCalls.push(parsed.rejected);
  }
  return decision;
}

function packsOf(offer: CatalogOffer, product: Product): PackOffer[] {
  return offer.packs.filter((p) => p.sku === product.sku);
}

/** "Magnesio + zinc: opción 4 — 1x: $349.00 MXN; opción 5 — 2x: …": one product's options. */
function productOptions(offer: CatalogOffer, product: Product, language: Language): string {
  const options = packsOf(offer, product)
    .map((p) =>
      say(
        language,
        `opción ${p.number} — ${p.label}: ${p.priceText}`,
        `option ${p.number} — ${p.label}: ${p.priceText}`,
      ),
    )
    .join("\n");
  return `${product.name}:\n${options}`;
}

/** The pack of `units` units of a product, or `units` times its single pack. */
function itemsFor(offer: CatalogOffer, product: Product, units: number): { packId: string; qty: number }[] {
  const packs = packsOf(offer, product);
  const exact = packs.find((p) => p.units === units);
  if (exact) return [{ packId: exact.packId, qty: 1 }];
  const single = packs.find((p) => p.units === 1);
  return single && units <= 10 ? [{ packId: single.packId, qty: units }] : [];
}

/** The product the customer is talking about: named now, else in their latest message naming one. */
function productInFocus(context: BrainContext, now: Product[]): Product | undefined {
  if (now.length === 1) return now[0];
  if (now.length > 1) return undefined;
  const inbound = context.history.filter((m) => m.direction === "in").reverse();
  for (const m of inbound) {
    const named = mentionedProducts(m.text, context.catalog.products);
    if (named.length === 1) return named[0];
    if (named.length > 1) return undefined;
  }
  const draftSku = context.orderDraft?.length === 1 ? context.orderDraft[0]?.sku : undefined;
  return context.catalog.products.find((p) => p.sku === draftSku);
}

/** Whether the numbered list was among the last messages the customer got. */
function listWasShown(context: BrainContext): boolean {
  return context.history
    .filter((m) => m.direction === "out")
    .slice(-3)
    .some((m) => /^1\. /m.test(m.text) && /^2\. /m.test(m.text));
}

type Choice =
  | { kind: "select"; items: { packId: string; qty: number }[] }
  | { kind: "ask"; product?: Product; units?: number }
  | { kind: "unknown-option"; number: number }
  | { kind: "none" };

/** What the customer chose in their last message, if anything. */
function readChoice(context: BrainContext, last: string, now: Product[]): Choice {
  const offer = context.catalog;
  const units = wantedUnits(last);
  const number = units === null ? chosenNumber(last) : null;
  const focus = productInFocus(context, now);
  if (now.length > 1) return { kind: "ask" };
  if (units !== null) {
    if (!focus) return { kind: "ask", units };
    const items = itemsFor(offer, focus, units);
    return items.length > 0 ? { kind: "select", items } : { kind: "ask", product: focus };
  }
  if (number !== null && (context.mode === "promos" || listWasShown(context))) {
    const pack = packByNumber(offer, number);
    return pack
      ? { kind: "select", items: [{ packId: pack.packId, qty: 1 }] }
      : { kind: "unknown-option", number };
  }
  if (now.length === 1 && now[0] && /\b(quiero|dame|me llevo|mandame|ocupo|i want|i'll take)\b/i.test(last)) {
    return { kind: "ask", product: now[0] };
  }
  return { kind: "none" };
}

function proposeByRules(context: BrainContext): BrainDecision {
  const decision: BrainDecision = { replies: [], toolCalls: [], rejectedToolCalls: [], brain: "rules" };
  const texts = context.newMessages.filter((m) => m.direction === "in").map((m) => m.text.trim());
  if (isBotSilent(context.mode) || texts.length === 0) return decision;
  const language = detectLanguage(
    texts,
    context.history.filter((m) => m.direction === "in").map((m) => m.text),
  );
  const t = textsIn(language);
  const offer = context.catalog;
  const last = texts[texts.length - 1] ?? "";
  const calls: ToolCall[] = decision.toolCalls;
  const reply = (es: string, en: string) => decision.replies.push(say(language, es, en));

  if (texts.some(wantsHuman)) {
    calls.push({ name: "request_human", input: { reason: "The customer asked to talk to a person" } });
    reply(
      "Claro, te comunico con una persona de nuestro equipo.",
      "Sure, I'm passing you to a person on our team.",
    );
    return decision;
  }

  const now = mentionedProducts(texts.join("\n"), offer.products);
  const choice = readChoice(context, last, now);

  if (context.mode === "awaiting_approval") {
    // Another choice while the order waits for approval: the plan hands it to a person, who changes it.
    if (choice.kind === "select") calls.push({ name: "select_packs", input: { items: choice.items } });
    else if (
      choice.kind !== "none" ||
      rejectsSelection(last) ||
      /\b(cambiar|cambio|otra opci[oó]n|change)\b/i.test(last)
    ) {
      calls.push({ name: "request_human", input: { reason: ORDER_CHANGE } });
      decision.replies.push(t.orderChangeHandoff);
    } else decision.replies.push(t.orderAlreadyPending);
    return decision;
  }

  // Customer data: labelled, unlabelled parts, or a bare answer to what is missing.
  const extracted: ExtractedFields = Object.assign(
    {},
    ...texts.map((text) => {
      const labelled = extractFields(text);
      return Object.keys(labelled).length > 0 ? labelled : extractUnlabeledParts(text);
    }),
  );
  const missingBefore = missingFields(context.collected);
  if (
    Object.keys(extracted).length === 0 &&
    texts.length === 1 &&
    context.mode !== "promos" &&
    choice.kind === "none"
  ) {
    Object.assign(extracted, bareAnswer(last, missingBefore));
  }
  if (Object.keys(extracted).length > 0) calls.push({ name: "save_customer_data", input: extracted });
  const { accepted, refused } = acceptedFields(extracted);
  const merged = { ...context.collected, ...accepted };
  const missing = missingFields(merged);
  const name = firstName(merged.name);
  const gotData = Object.keys(accepted).length > 0;
  const draft = context.orderDraft ?? [];
  const greeting =
    context.mode === "greeting" || context.mode === "closed" || (isGreeting(last) && texts.length === 1);
  // Asks for what is missing, unless a refused value is being asked again (by the plan).
  const askMissing = () => {
    if (missing.length > 0 && !refused) decision.replies.push(askMissingFields(missing, language));
  };

  if (greeting) reply(`¡Hola${name}! Gracias por escribirnos.`, `Hi${name}! Thanks for writing to us.`);
  else if (gotData && missing.length > 0 && context.mode !== "promos")
    reply(`¡Gracias${name}!`, `Thank you${name}!`);

  if (isGoodbye(last) && choice.kind !== "select") {
    reply(
      "Gracias por tu tiempo. Aquí estaré cuando quieras hacer tu pedido.",
      "Thanks for your time. I'll be here whenever you want to order.",
    );
    calls.push({ name: "close_conversation", input: { reason: "customer declined" } });
    return decision;
  }

  if (choice.kind === "select") {
    if (rejectsSelection(last)) reply("Sin problema, lo cambio.", "No problem, I'll change it.");
    calls.push({ name: "select_packs", input: { items: choice.items } });
    return decision;
  }
  if (choice.kind === "unknown-option") {
    reply(`No tengo la opción ${choice.number}.`, `There is no option ${choice.number}.`);
    calls.push({ name: "show_promos", input: {} });
    return decision;
  }
  if (choice.kind === "ask") {
    if (rejectsSelection(last) && draft.length > 0)
      reply("Sin problema, lo quité.", "No problem, I removed it.");
    if (choice.product) {
      reply(
        `¿Cuál te gustaría? ${productOptions(offer, choice.product, language)}`,
        `Which one would you like? ${productOptions(offer, choice.product, language)}`,
      );
    } else {
      const names = (now.length > 1 ? now : offer.products).map((p) => p.name);
      const units = choice.units ? ` ${choice.units}` : "";
      reply(
        `¿De cuál producto quieres${units}? Tenemos ${names.join(", ")}.`,
        `Which product would you like${units}? We have ${names.join(", ")}.`,
      );
    }
    return decision;
  }

  // A message about one product ("info del magnesio", "cuánto el colágeno?"): the answer about that
  // product, nothing else.
  if (now.length === 1 && now[0] && !gotData) {
    if (rejectsSelection(last) && draft.length > 0)
      reply("Sin problema, lo quité.", "No problem, I removed it.");
    reply(
      `${productOptions(offer, now[0], language)}\n¿Cuál te gustaría?`,
      `${productOptions(offer, now[0], language)}\nWhich one would you like?`,
    );
    return decision;
  }

  if (rejectsSelection(last) && draft.length > 0) {
    reply("Sin problema, lo quité.", "No problem, I removed it.");
    decision.replies.push(t.chooseAnOption);
    return decision;
  }

  const yes = texts.some(isYes) || (meansThisNumber(last) && !gotData);
  if (context.mode === "promos") {
    if (yes && draft.length > 0) calls.push({ name: "create_order", input: {} });
    else if (asksForPrices(last)) calls.push({ name: "show_promos", input: {} });
    else if (gotData) reply(`Listo${name}, actualicé tus datos.`, `Done${name}, I updated your details.`);
    else decision.replies.push(t.chooseAnOption);
    return decision;
  }

  // greeting, collecting_data, closed
  const thanks = gotData && !greeting ? `¡Gracias${name}! ` : "";
  const thanksEn = gotData && !greeting ? `Thank you${name}! ` : "";
  if (missing.length === 0) {
    if (draft.length > 0) {
      // The choice made earlier: shown again (priced by the plan) for the customer to confirm.
      reply(`${thanks}Ya tengo tus datos completos.`, `${thanksEn}I have all your details now.`);
      calls.push({
        name: "select_packs",
        input: { items: draft.map((l) => ({ packId: packIdOf(l.sku, l.pack), qty: l.qty })) },
      });
    } else {
      reply(`${thanks}Ya tengo tus datos completos.`, `${thanksEn}I have all your details now.`);
      calls.push({ name: "show_promos", input: {} });
    }
    return decision;
  }
  if (asksForPrices(last)) {
    reply("¡Claro! Te comparto nuestras promociones.", "Of course! Here are our offers.");
    calls.push({ name: "show_promos", input: {} });
    return decision;
  }
  if (yes && draft.length > 0)
    reply("¡Perfecto! Tu elección queda guardada.", "Great! Your choice is saved.");
  else if (yes && !gotData && !greeting) reply("¡Perfecto!", "Great!");
  askMissing();
  return decision;
}

export function createRulesBrain(): Brain {
  return { kind: "rules", decide: async (context) => decideByRules(context) };
}
