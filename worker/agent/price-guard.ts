// A reply written by the model must not quote a price that is not in the catalog: a customer who
// writes "the price is 0" may talk the model into repeating it. Amounts in the text are compared with
// every amount the catalog allows (pack prices and regular prices times 1..MAX quantities, savings).
// Promises in words ("te lo dejo gratis", "sin costo", "2 frascos de regalo", "10% de descuento")
// are never in the catalog: the catalog's only discounts are its listed prices, which code writes.
import { MAX_PACKS_PER_LINE } from "../../shared/domain/pricing.js";
import type { CatalogOffer } from "./brain/catalog-offer.js";

/** Minor-unit amounts the shop may quote. */
export function quotableAmounts(offer: CatalogOffer, extra: readonly number[] = []): Set<number> {
  const allowed = new Set<number>(extra);
  for (const p of offer.packs) {
    for (let q = 1; q <= MAX_PACKS_PER_LINE; q += 1) {
      allowed.add(p.priceMinor * q);
      if (p.regularPriceMinor !== undefined) allowed.add(p.regularPriceMinor * q);
    }
    if (p.savingsMinor > 0) allowed.add(p.savingsMinor);
  }
  return allowed;
}

// "$1,299.00", "$ 899", "899 pesos", "MXN 1.199,50", "0 dólares"
const AMOUNT =
  /(?:(?:US)?\$|MXN|USD)\s?(\d{1,3}(?:[.,\s]\d{3})+|\d+)(?:[.,](\d{1,2}))?(?!\d)|(?<![\d.,])(\d{1,3}(?:[.,]\d{3})+|\d+)(?:[.,](\d{1,2}))?\s?(?:pesos|mxn|usd|d[oó]lares|dollars|bucks)\b/gi;

/** Amounts (in minor units, 2 decimals) that a text quotes as money. */
export function quotedAmounts(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(AMOUNT)) {
    const whole = (m[1] ?? m[3] ?? "").replace(/[.,\s]/g, "");
    const cents = (m[2] ?? m[4] ?? "").padEnd(2, "0");
    if (whole === "") continue;
    out.push(Number(whole) * 100 + Number(cents || "0"));
  }
  return out;
}

/** Amounts quoted in `text` that the catalog does not allow (empty = the text is safe). */
export function unlistedAmounts(text: string, allowed: ReadonlySet<number>): number[] {
  return quotedAmounts(text).filter((a) => !allowed.has(a));
}

// Gifts, free items, free shipping, discounts and deals, in Spanish and English. Accents are removed
// before matching.
const PROMISES: readonly RegExp[] = [
  /\bgratis\b/,
  /\bgratuit[oa]s?\b/,
  /\bsin (ningun )?(costo|cargo|cobro)\b/,
  /\bde regalo\b/,
  /\bte (lo |la |los |las )?regal[oa]\w*/,
  /\bregalamos\b|\bregalo\b|\bobsequi\w+/,
  /\bde cortesia\b|\bcortesia de la casa\b|\bpor cuenta de la casa\b/,
  /\bno (te )?(cobramos|cobro|cuesta nada)\b|\bno pagas\b/,
  /\b\d{1,3} ?(%|por ?ciento) ?(de )?(descuento|menos|off)\b/,
  /\b(descuento|rebaja) (especial|extra|adicional|exclusivo)\b/,
  /\bte (hago|doy|dejo|aplico) (un |una )?(descuento|rebaja|precio especial)\b/,
  /\b(mitad de precio|a mitad|medio precio)\b/,
  /\b[2-5] ?x ?[1-4]\b(?! ?(x|de|pack))/,
  /\b(for )?free\b|\bon the house\b|\bno charge\b|\bat no cost\b|\bhalf price\b/,
  /\b\d{1,3} ?% ?off\b|\bextra discount\b|\bspecial discount\b|\bas a gift\b/,
];

/** Phrases in `text` that promise a price, gift or discount in words (empty = the text is safe). */
export function unlistedPromises(text: string): string[] {
  const t = text.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "");
  return PROMISES.flatMap((p) => {
    const m = p.exec(t);
    return m ? [m[0]] : [];
  });
}
