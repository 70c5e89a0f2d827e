// Messages to the customer that code writes (not the model): anything with a price, re-asks for
// invalid data, notices. Prices always come from the catalog offer or a priced order.
import type { CollectedField } from "../../shared/domain/conversation.js";
import type { PricedOrder } from "../../shared/domain/pricing.js";
import { formatMoney, money } from "../../shared/domain/money.js";
import type { CatalogOffer } from "./brain/catalog-offer.js";
import type { Language } from "./language.js";

const FIELD_NAMES: Record<Language, Record<CollectedField, string>> = {
  es: { name: "tu nombre", phone: "tu teléfono", address: "tu dirección de entrega", city: "tu ciudad" },
  en: { name: "your name", phone: "your phone number", address: "your delivery address", city: "your city" },
};

function listJoin(items: string[], language: Language): string {
  if (items.length <= 1) return items.join("");
  const last = items[items.length - 1];
  return `${items.slice(0, -1).join(", ")} ${language === "es" ? "y" : "and"} ${last}`;
}

export function fieldList(fields: readonly CollectedField[], language: Language): string {
  return listJoin(
    fields.map((f) => FIELD_NAMES[language][f]),
    language,
  );
}

export function askMissingFields(fields: readonly CollectedField[], language: Language): string {
  const list = fieldList(fields, language);
  return language === "es"
    ? `Para preparar tu pedido me falta ${list}. ¿Me lo compartes?`
    : `To prepare your order I still need ${list}. Could you send it?`;
}

export function reaskInvalidFields(fields: readonly CollectedField[], language: Language): string {
  const list = fieldList(fields, language);
  const phoneHint = fields.includes("phone")
    ? language === "es"
      ? " (el teléfono con lada, por ejemplo 55 1234 5678)"
      : " (the phone with its area code, e.g. +1 555 123 4567)"
    : "";
  return language === "es"
    ? `No pude registrar ${list}${phoneHint}. ¿Me lo escribes de nuevo?`
    : `I couldn't save ${list}${phoneHint}. Could you write it again?`;
}

export function promosList(offer: CatalogOffer, language: Language): string {
  const header = language === "es" ? "Estas son nuestras promociones:" : "These are our offers:";
  const lines = offer.packs.map((p) => {
    const saving =
      p.savingsMinor > 0
        ? language === "es"
          ? ` (ahorras ${formatMoney(money(p.savingsMinor, p.currency))})`
          : ` (save ${formatMoney(money(p.savingsMinor, p.currency))})`
        : "";
    return `${p.number}. ${p.productName} — ${p.label}: ${p.priceText}${saving}`;
  });
  const footer =
    language === "es"
      ? "Responde con el número de la opción que prefieras."
      : "Reply with the number of the option you prefer.";
  return [header, ...lines, footer].join("\n");
}

function orderLines(order: PricedOrder): string[] {
  return order.lines.map(
    (l) => `• ${l.qty} × ${l.name} (${l.pack}): ${formatMoney(money(l.lineTotalMinor, order.currency))}`,
  );
}

export function draftSummary(order: PricedOrder, language: Language): string {
  const total = formatMoney(money(order.totalMinor, order.currency));
  return language === "es"
    ? [
        "Tu selección:",
        ...orderLines(order),
        `Total: ${total}`,
        "¿Confirmas tu pedido? Responde sí o no.",
      ].join("\n")
    : [
        "Your selection:",
        ...orderLines(order),
        `Total: ${total}`,
        "Do you confirm your order? Reply yes or no.",
      ].join("\n");
}

export function orderPlaced(order: PricedOrder, language: Language): string {
  const total = formatMoney(money(order.totalMinor, order.currency));
  return language === "es"
    ? [
        "¡Listo! Registré tu pedido:",
        ...orderLines(order),
        `Total: ${total}`,
        "Nuestro equipo lo revisa y te confirmamos por aquí.",
      ].join("\n")
    : [
        "Done! I registered your order:",
        ...orderLines(order),
        `Total: ${total}`,
        "Our team will review it and confirm here.",
      ].join("\n");
}

/**
 * The customer confirmed an order while another one was already open (e.g. the promos timer
 * registered it a moment before): the order that stands is this one, not the one they asked for.
 */
export function orderAlreadyRegistered(order: PricedOrder, language: Language): string {
  const total = formatMoney(money(order.totalMinor, order.currency));
  return language === "es"
    ? [
        "Tu pedido ya estaba registrado y está en revisión:",
        ...orderLines(order),
        `Total: ${total}`,
        "Nuestro equipo lo revisa y te confirmamos por aquí.",
      ].join("\n")
    : [
        "Your order was already registered and is under review:",
        ...orderLines(order),
        `Total: ${total}`,
        "Our team will review it and confirm here.",
      ].join("\n");
}

export function chooseAnOption(language: Language): string {
  return language === "es"
    ? "¿Qué opción te gustaría? Escribe el número de la lista."
    : "Which option would you like? Write its number from the list.";
}

export function unknownOption(language: Language): string {
  return language === "es" ? "Esa opción no está en nuestra lista." : "That option is not on our list.";
}

export function orderAlreadyPending(language: Language): string {
  return language === "es"
    ? "Tu pedido ya está registrado y en revisión; te avisamos en cuanto se apruebe."
    : "Your order is already registered and under review; we'll let you know as soon as it's approved.";
}

export function handoffNotice(language: Language): string {
  return language === "es"
    ? "Te comunico con una persona de nuestro equipo; en breve te responde."
    : "I'm passing you to a person on our team; they'll reply shortly.";
}

export function goodbyeNotice(language: Language): string {
  return language === "es"
    ? "Gracias por escribirnos. Aquí estaremos cuando quieras hacer tu pedido."
    : "Thanks for writing to us. We'll be here whenever you want to order.";
}

export function pricesAreTheListed(language: Language): string {
  return language === "es"
    ? "Los precios son los de nuestra lista oficial:"
    : "Our prices are the ones on our official list:";
}

/** Sent when the brain is unavailable (non-retriable API error): polite, no details. */
export function brainFallbackReply(language: Language): string {
  return language === "es"
    ? "Disculpa, tuve un problema para responderte. Una persona de nuestro equipo te escribirá en breve."
    : "Sorry, I had a problem answering you. Someone from our team will write to you shortly.";
}

/** The order the customer confirmed could not be registered (e.g. the catalog changed meanwhile). */
export function orderNotPlaced(language: Language): string {
  return language === "es"
    ? "No pude registrar tu pedido en este momento. Una persona de nuestro equipo lo revisa y te escribe en breve."
    : "I couldn't register your order just now. Someone from our team will look at it and write to you shortly.";
}
