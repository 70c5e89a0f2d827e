// Patterns the offline rules brain uses to read customer data and intents from Spanish and English
// messages. Deterministic and deliberately simple: good enough for the sandbox demo and tests.
import type { CollectedField } from "../../../shared/domain/conversation.js";

export type ExtractedFields = Partial<Record<CollectedField, string>>;

const STOP = String.raw`(?=\s*(?:[,;\n]|\.\s|\.$|$|\s(?:y|and|pero|but)\s|\s(?:mi|my)\s+(?:tel|cel|n[uú]m|phone|direcci|address|ciudad|city)))`;

const NAME = new RegExp(
  String.raw`(?:me llamo|mi nombre es|my name is|nombre\s*:|name\s*:|soy|i am|i'm)\s+([\p{L}][\p{L}'.-]*(?:\s+[\p{L}][\p{L}'.-]*){0,4}?)${STOP}`,
  "iu",
);
/** Addresses keep their commas and abbreviations ("Av. Reforma 123, Col. Centro"). */
const ADDRESS_STOP = String.raw`(?=\s*(?:[,.;]\s*)?(?:\n|$|;|(?:y\s+|and\s+)?(?:mi|my)\s+(?:tel|cel|n[uú]m|phone|ciudad|city|nombre|name)|(?:ciudad|city|tel[eé]fono|tel|cel|phone)\b))`;
const ADDRESS = new RegExp(
  String.raw`(?:mi direcci[oó]n es|direcci[oó]n\s*:|domicilio\s*:|my address is|address\s*:|vivo en|i live at|ship to|env[ií]alo a)\s*(.+?)${ADDRESS_STOP}`,
  "iu",
);
const CITY = new RegExp(
  String.raw`(?:mi ciudad es|ciudad\s*:|city\s*:|my city is|en la ciudad de|desde la ciudad de)\s*([\p{L}][\p{L}\s.'-]{1,60}?)${STOP}`,
  "iu",
);
/** 8+ digits with the usual separators, optionally after "+" (an address number is shorter). */
const PHONE = /(\+?\d[\d\s().-]{6,18}\d)/;

const NOT_A_NAME = /^(un|una|de|el|la|interesad[oa]|cliente|nuev[oa]|a|an|the|interested|new)\b/i;

export function extractFields(text: string): ExtractedFields {
  const out: ExtractedFields = {};
  const name = NAME.exec(text)?.[1]?.trim();
  if (name && !NOT_A_NAME.test(name)) out.name = name;
  const address = ADDRESS.exec(text)?.[1]?.trim();
  if (address) out.address = address;
  const city = CITY.exec(text)?.[1]?.trim();
  if (city) out.city = city;
  const phone = PHONE.exec(text.replace(address ?? "\u0000", ""))?.[1]?.trim();
  if (phone && phone.replace(/\D/g, "").length >= 8) out.phone = phone;
  return out;
}

const norm = (t: string) =>
  t
    .toLowerCase()
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[¡!¿?.,]+/g, " ")
    .trim();

export function wantsHuman(text: string): boolean {
  return /\b(humano|human|persona real|una persona|asesor[a]?|agente|agent|representante|representative|operador[a]?)\b/.test(
    norm(text),
  );
}

export function isYes(text: string): boolean {
  return /^(si|sip|claro|ok|okay|va|dale|confirmo|confirmado|de acuerdo|yes|yep|yeah|sure|confirm|confirmed|correcto|perfecto)( .{0,20})?$/.test(
    norm(text),
  );
}

export function isNo(text: string): boolean {
  return /^(no|nop|nel|todavia no|aun no|no gracias|nope|not now|no thanks)( .{0,20})?$/.test(norm(text));
}

export function isGoodbye(text: string): boolean {
  return /\b(adios|bye|goodbye|ya no|no me interesa|not interested|cancelar|cancel)\b/.test(norm(text));
}

export function asksForPrices(text: string): boolean {
  return /\b(precio|precios|cuanto|costo|cuesta|promo|promos|promocion|promociones|oferta|ofertas|price|prices|how much|cost|offer|offers|deal|deals)\b/.test(
    norm(text),
  );
}

export function isGreeting(text: string): boolean {
  return /^(hola|buenas|buen dia|buenos dias|buenas tardes|buenas noches|hey|hi|hello|good morning|good afternoon)\b/.test(
    norm(text),
  );
}

/** "2", "la 2", "opción 3", "quiero el 1", "option 2" → the number; otherwise null. */
export function chosenNumber(text: string): number | null {
  const m =
    /^(?:(?:quiero|me llevo|dame|prefiero|i want|i'll take|give me)\s+)?(?:(?:la|el|opcion|option|pack|paquete|numero|number|no|#)\s*)?(\d{1,2})$/.exec(
      norm(text).replace(/\s+/g, " "),
    );
  return m?.[1] ? Number(m[1]) : null;
}
