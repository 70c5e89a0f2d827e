// What code writes to a customer (not the model), in the customer's language: the message tables
// (es.ts, en.ts) put together with the parts that come from data. Prices always come from a priced
// order or the listed packs, never from any text.
import type { CollectedField } from "../../shared/domain/conversation.js";
import { formatMoney, money, type Currency } from "../../shared/domain/money.js";
import type { PricedOrder } from "../../shared/domain/pricing.js";
import { en } from "./en.js";
import { es } from "./es.js";
import type { Language } from "./language.js";
import type { MessageTable } from "./table.js";

export { detectLanguage, type Language } from "./language.js";

const TABLES: Record<Language, MessageTable> = { es, en };

/** The message table of a language. */
export function textsIn(language: Language): MessageTable {
  return TABLES[language];
}

/** A pack as the promos list shows it (the catalog offer's packs fit). */
export interface ListedPack {
  number: number;
  productName: string;
  label: string;
  priceText: string;
  savingsMinor: number;
  currency: Currency;
}

function listJoin(items: string[], t: MessageTable): string {
  if (items.length <= 1) return items.join("");
  const last = items[items.length - 1];
  return `${items.slice(0, -1).join(", ")} ${t.and} ${last}`;
}

function fieldList(fields: readonly CollectedField[], t: MessageTable): string {
  return listJoin(
    fields.map((f) => t.fieldNames[f]),
    t,
  );
}

/** A heading, the order's lines, its total and a closing line. */
function orderMessage(
  order: PricedOrder,
  t: MessageTable,
  text: { heading: string; closing: string },
): string {
  const amount = (minor: number) => formatMoney(money(minor, order.currency));
  return [
    text.heading,
    ...order.lines.map((l) => `• ${l.qty} × ${l.name} (${l.pack}): ${amount(l.lineTotalMinor)}`),
    `${t.total}: ${amount(order.totalMinor)}`,
    text.closing,
  ].join("\n");
}

export function askMissingFields(fields: readonly CollectedField[], language: Language): string {
  const t = textsIn(language);
  return t.askMissingFields(fieldList(fields, t));
}

export function reaskInvalidFields(fields: readonly CollectedField[], language: Language): string {
  const t = textsIn(language);
  return t.reaskInvalidFields(fieldList(fields, t), fields.includes("phone") ? t.phoneHint : "");
}

export function alsoMissingFields(fields: readonly CollectedField[], language: Language): string {
  const t = textsIn(language);
  return t.alsoMissingFields(fieldList(fields, t));
}

/** The data-collection timer's nudge: names exactly what is still missing. */
export function dataCollectionNudge(missing: readonly CollectedField[], language: Language): string {
  const t = textsIn(language);
  return t.dataCollectionNudge(fieldList(missing, t));
}

/** The numbered list of packs; the customer answers with a number. */
export function promosList(offer: { packs: readonly ListedPack[] }, language: Language): string {
  const { promos } = textsIn(language);
  const lines = offer.packs.map((p) => {
    const saving = p.savingsMinor > 0 ? promos.saving(formatMoney(money(p.savingsMinor, p.currency))) : "";
    return `${p.number}. ${p.productName} — ${p.label}: ${p.priceText}${saving}`;
  });
  return [promos.header, ...lines, promos.footer].join("\n");
}

export function draftSummary(order: PricedOrder, language: Language): string {
  const t = textsIn(language);
  return orderMessage(order, t, t.draftSummary);
}

export function orderPlaced(order: PricedOrder, language: Language): string {
  const t = textsIn(language);
  return orderMessage(order, t, t.orderPlaced);
}

/**
 * The customer confirmed an order while another one was already open (e.g. the promos timer
 * registered it a moment before): the order that stands is this one, not the one they asked for.
 */
export function orderAlreadyRegistered(order: PricedOrder, language: Language): string {
  const t = textsIn(language);
  return orderMessage(order, t, t.orderAlreadyRegistered);
}

/**
 * Sent when the promos window ends without a confirmation: the order was registered with the
 * customer's own unconfirmed selection ("selection") or with the default pack ("default").
 */
export function timeoutOrderPlaced(
  order: PricedOrder,
  language: Language,
  basis: "selection" | "default",
): string {
  const t = textsIn(language);
  const { headingDefault, headingSelection, closing } = t.timeoutOrderPlaced;
  return orderMessage(order, t, {
    heading: basis === "default" ? headingDefault : headingSelection,
    closing,
  });
}
