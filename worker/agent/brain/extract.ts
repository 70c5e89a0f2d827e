// Patterns the offline rules brain uses to read customer data and intents from Spanish and English
// messages. Deterministic and deliberately simple: good enough for the sandbox demo and tests.
import type { CollectedField } from "../../../shared/domain/conversation.js";

export type ExtractedFields = Partial<Record<CollectedField, string>>;

const STOP = String.raw`(?=\s*(?:[,;\n]|\.\s|\.$|$|\s(?:y|and|pero|but)\s|\s(?:mi|my)\s+(?:tel|cel|n[uú]m|phone|direcci|address|ciudad|city)))`;

const NAME_STOP = String.raw`(?=\s*(?:[,;\n]|\.\s|\.$|$|\s(?:y|and|pero|but|vivo|desde|quiero|from|te|mi|my)\s))`;
const NAME = new RegExp(
  String.raw`(?:^|[\s,.¡!])(?:me llamo|mi nombre es|my name is|nombre\s*:|name\s*:|soy|i am|i'm)\s+([\p{L}][\p{L}'.-]*(?:\s+[\p{L}][\p{L}'.-]*){0,4}?)${NAME_STOP}`,
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

/** "soy de Monterrey", "estoy en GDL": a city only when it is a known one. */
const FROM_CITY =
  /(?:soy de|somos de|estoy en|estamos en|desde)\s+([\p{L}][\p{L}\s.]{1,40}?)(?=\s*(?:[,;.!?\n]|$|\sy\s))/iu;

const PHONE_LABELLED =
  /(?:tel[eé]fono|tel|cel(?:ular)?|whats(?:app)?|n[uú]mero|phone|number)\s*(?:es|is|:)?\s*(\+?\d[\d\s().-]{2,18}\d)/i;

const NOT_A_NAME = /^(un|una|de|el|la|interesad[oa]|cliente|nuev[oa]|a|an|the|interested|new)\b/i;

export function extractFields(text: string): ExtractedFields {
  const out: ExtractedFields = {};
  const name = NAME.exec(text)?.[1]?.trim();
  if (name && !NOT_A_NAME.test(name)) out.name = name;
  const from = FROM_CITY.exec(text)?.[1];
  const fromCity = from ? knownCity(from) : null;
  if (fromCity) out.city = fromCity;
  let address = ADDRESS.exec(text)?.[1]?.trim();
  const city = CITY.exec(text)?.[1]?.trim();
  if (city) out.city = knownCity(city) ?? city;
  if (address && knownCity(address)) {
    // "vivo en Guadalajara": a city, not a street.
    out.city ??= knownCity(address) ?? address;
    address = undefined;
  } else if (address) {
    const split = splitTrailingCity(address);
    if (split) {
      out.city ??= split.city;
      if (out.city === split.city) address = split.address;
    }
    out.address = address;
  }
  const phone = PHONE.exec(text.replace(ADDRESS.exec(text)?.[1] ?? "\u0000", ""))?.[1]?.trim();
  if (phone && phone.replace(/\D/g, "").length >= 8) out.phone = phone;
  else {
    // A number the customer labels as their phone is passed on even when short: it is re-asked.
    const labelled = PHONE_LABELLED.exec(text)?.[1]?.trim();
    if (labelled) out.phone = labelled;
  }
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
  return /^(si+|sip|simon|claro|ok|oki|okey|okay|va|vale|dale|sale|andale|orale|de una|confirmo|confirmado|de acuerdo|adelante|esta bien|asi esta bien|me parece bien|yes|yep|yeah|sure|confirm|confirmed|correcto|perfecto|listo|ese mero|esa mera)( .{0,20})?$/.test(
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

/** "2", "la 2", "opción 3 porfa", "quiero el 1", "option 2" → the number; otherwise null. */
export function chosenNumber(text: string): number | null {
  const m =
    /^(?:(?:quiero|me llevo|dame|prefiero|i want|i'll take|give me)\s+)?(?:(?:la|el|opcion|option|pack|paquete|numero|number|no|#)\s*)?(\d{1,2})(?:\s+(?:porfa|por favor|porfavor|plis|pls|please|gracias|thanks))?$/.exec(
      norm(text).replace(/\s+/g, " "),
    );
  return m?.[1] ? Number(m[1]) : null;
}

/** Accents off, lower case, punctuation to spaces: how the patterns below compare words. */
export function normalizeWords(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[^\p{L}\p{N}\s]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Cities customers name by their usual short forms, with the name we store. */
const CITIES: readonly [RegExp, string][] = [
  [/^(cdmx|df|ciudad de mexico|mexico df|cd de mexico|cd mx)$/, "CDMX"],
  [/^(gdl|guadalajara|guadalajara jalisco)$/, "Guadalajara"],
  [/^(mty|monterrey|monterrey nl|monterrey nuevo leon)$/, "Monterrey"],
  [/^(pue|puebla)$/, "Puebla"],
  [/^(qro|queretaro)$/, "Querétaro"],
  [/^(zapopan)$/, "Zapopan"],
  [/^(tijuana|tj)$/, "Tijuana"],
  [/^(leon|leon gto)$/, "León"],
  [/^(merida|merida yucatan)$/, "Mérida"],
  [/^(cancun)$/, "Cancún"],
  [/^(toluca)$/, "Toluca"],
  [/^(slp|san luis potosi)$/, "San Luis Potosí"],
  [/^(aguascalientes|ags)$/, "Aguascalientes"],
  [/^(oaxaca)$/, "Oaxaca"],
  [/^(veracruz)$/, "Veracruz"],
  [/^(chihuahua)$/, "Chihuahua"],
  [/^(hermosillo)$/, "Hermosillo"],
  [/^(culiacan)$/, "Culiacán"],
  [/^(morelia)$/, "Morelia"],
  [/^(saltillo)$/, "Saltillo"],
];

/** "cdmx", "GDL", "Monterrey" → the city as we store it; anything else → null. */
export function knownCity(text: string): string | null {
  const t = normalizeWords(text);
  for (const [pattern, city] of CITIES) if (pattern.test(t)) return city;
  return null;
}

/**
 * A city at the end of an address ("Av Reforma 123 CDMX", "Juárez 45, col. Centro, Guadalajara"):
 * the address without it, and the city. Tries the last one to three words.
 */
export function splitTrailingCity(address: string): { address: string; city: string } | null {
  const words = address.trim().split(/\s+/);
  for (let n = Math.min(3, words.length - 1); n >= 1; n -= 1) {
    const city = knownCity(words.slice(-n).join(" "));
    if (city) {
      const rest = words
        .slice(0, -n)
        .join(" ")
        .replace(/[\s,.;-]+(en|de)?$/i, "")
        .trim();
      if (/\p{L}/u.test(rest) && /\d/.test(rest)) return { address: rest, city };
    }
  }
  return null;
}

/** Looks like a street address: letters and a house number ("Av Juárez 45", "calle 5 de mayo 12"). */
export function looksLikeAddress(text: string): boolean {
  const t = text.trim();
  return (
    /\p{L}{2,}/u.test(t) &&
    /\d/.test(t) &&
    t.replace(/\D/g, "").length < 8 &&
    (/\b(av|avenida|calle|c|blvd|boulevard|calz|calzada|col|colonia|privada|priv|cerrada|andador|carretera|mz|lt|manzana|lote|num|no|int|ext|cp)\b\.?/i.test(
      t,
    ) ||
      /^\p{L}[\p{L}\s.]+\s#?\d{1,5}\b/u.test(t))
  );
}

/** A person's name written alone: one to four words of letters, none of them a known word. */
export function looksLikeName(text: string): boolean {
  const t = text.trim();
  if (!/^[\p{L}][\p{L}'.-]*(?:\s+[\p{L}][\p{L}'.-]*){0,3}$/u.test(t)) return false;
  const n = normalizeWords(t);
  if (knownCity(n)) return false;
  return !/\b(hola|gracias|si|no|ok|va|dale|quiero|precio|cuanto|colageno|magnesio|omega|promo|promos|info|informacion|buenas|buenos|bien|claro|listo|perfecto|sale|nada|mismo|numero|este|ese)\b/.test(
    n,
  );
}

/** "es este mismo número", "a este número", "el mismo", "this number": keep the WhatsApp number. */
export function meansThisNumber(text: string): boolean {
  return /\b(este mismo|el mismo|mismo numero|mismo cel|mismo whats|este numero|este cel|este whats|al que te escribo|de aqui|this number|same number|this one)\b/.test(
    normalizeWords(text),
  );
}

const NEIGHBOURHOOD = /^(col|colonia|fracc|fraccionamiento|barrio|unidad|u hab|residencial|centro)\b/i;

/** Several fields written together without labels ("Ana López, Av Juárez 45, GDL"), part by part. */
export function extractUnlabeledParts(text: string): ExtractedFields {
  const parts = text
    .split(/[,;\n]+/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length < 2) return {};
  const out: ExtractedFields = {};
  // The city is the last part that names a known one ("…, Centro, MTY").
  let cityAt = -1;
  parts.forEach((part, i) => {
    if (knownCity(part)) cityAt = i;
  });
  const city = cityAt >= 0 ? knownCity(parts[cityAt] ?? "") : null;
  if (city) out.city = city;
  const addressParts: string[] = [];
  parts.forEach((part, i) => {
    if (i === cityAt) return;
    const digits = part.replace(/\D/g, "");
    if (digits.length >= 8 && digits.length <= 13 && !/\p{L}{3,}/u.test(part)) out.phone = part;
    else if (looksLikeAddress(part)) addressParts.push(part);
    else if (!out.name && addressParts.length === 0 && looksLikeName(part)) out.name = part;
    // Words after the street are its neighbourhood ("Centro", "col. Roma").
    else if (addressParts.length > 0 && /^\p{L}[\p{L}\s.]{2,40}$/u.test(part)) addressParts.push(part);
  });
  const lastPart = addressParts.at(-1) ?? "";
  if (!out.city && addressParts.length >= 2 && !/\d/.test(lastPart) && !NEIGHBOURHOOD.test(lastPart)) {
    out.city = addressParts.pop();
  }
  if (addressParts.length > 0) out.address = addressParts.join(", ");
  return Object.keys(out).length >= 2 ? out : {};
}

/** A product of the catalog, as customers write it (first word of its name, typos forgiven). */
export interface NamedProduct {
  sku: string;
  name: string;
}

function keywordOf(name: string): string {
  return normalizeWords(name).split(" ")[0] ?? "";
}

/** Edit distance, small inputs only (product keywords against a customer's words). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const here = row[j] ?? 0;
      row[j] = Math.min(here + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length] ?? 0;
}

/** The products a message names ("colágeno", "colajeno", "magnesio", "omega"), in catalog order. */
export function mentionedProducts<P extends NamedProduct>(text: string, products: readonly P[]): P[] {
  const words = normalizeWords(text).split(" ");
  return products.filter((p) => {
    const key = keywordOf(p.name);
    if (key.length < 4) return false;
    return words.some(
      (w) =>
        w.startsWith(key) ||
        (w.length >= 5 && distance(w.slice(0, key.length + 1), key) <= 1) ||
        distance(w, key) <= 1,
    );
  });
}

const NUMBER_WORDS: Record<string, number> = {
  un: 1,
  una: 1,
  uno: 1,
  dos: 2,
  tres: 3,
  cuatro: 4,
  cinco: 5,
  one: 1,
  two: 2,
  three: 3,
};

/**
 * A quantity the customer wants ("quiero 2", "dame dos", "2 frascos", "me llevo 3 de magnesio"):
 * units, not an option number. Null when the message asks for no quantity.
 */
export function wantedUnits(text: string): number | null {
  const t = normalizeWords(text);
  const m =
    /\b(?:quiero|quisiera|dame|deme|mandame|me llevo|llevo|ocupo|necesito|i want|i ll take|give me)\s+(?:(?:unos|unas|los|las)\s+)?(\d{1,2}|un|una|uno|dos|tres|cuatro|cinco|one|two|three)\b(?!\s*(?:de la lista|opcion))/.exec(
      t,
    ) ??
    /\b(\d{1,2}|dos|tres|cuatro|cinco)\s+(?:frascos?|botes?|piezas?|pzas?|paquetes?|cajas?|bottles?|jars?|packs?)\b/.exec(
      t,
    );
  const raw = m?.[1];
  if (!raw) return null;
  return NUMBER_WORDS[raw] ?? Number(raw);
}

/** The customer turns down what was proposed ("no", "no, del magnesio", "mejor no", "cambialo"). */
export function rejectsSelection(text: string): boolean {
  const t = normalizeWords(text);
  return /^((no|nop|nel|nope)( (gracias|quiero|mejor|del?|ese|esa|eso|asi no|por ahora|todavia|aun)\b|$)|mejor no|siempre no|no quiero (ese|eso|esa|el|la)\b|cambia(lo|la)?\b|ese no|esa no|no es (ese|esa|eso)\b|not that|no thanks)/.test(
    t,
  );
}
