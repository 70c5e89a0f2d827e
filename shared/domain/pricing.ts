// Prices an order from the catalog. The model (or the customer) only chooses sku, pack and quantity;
// every amount comes from here, so "the price is 0" in a chat message changes nothing.
import { z } from "zod";
import type { Product } from "./catalog.js";
import { findPack, packCodeSchema, skuSchema } from "./catalog.js";
import type { Currency, Money } from "./money.js";
import { money, multiply, sum } from "./money.js";

export const MAX_PACKS_PER_LINE = 20;
export const MAX_LINES_PER_ORDER = 10;

export const orderSelectionLineSchema = z
  .object({
    sku: skuSchema,
    pack: packCodeSchema,
    qty: z.number().int().min(1).max(MAX_PACKS_PER_LINE),
  })
  .strict();
export type OrderSelectionLine = z.infer<typeof orderSelectionLineSchema>;

export const orderSelectionSchema = z.array(orderSelectionLineSchema).min(1).max(MAX_LINES_PER_ORDER);

export interface PricedLine {
  sku: string;
  name: string;
  pack: string;
  /** Units of product per pack. */
  units: number;
  /** Packs ordered. */
  qty: number;
  unitPriceMinor: number;
  lineTotalMinor: number;
}

export interface PricedOrder {
  currency: Currency;
  lines: PricedLine[];
  totalMinor: number;
}

export type PricingProblem =
  | { code: "empty" }
  | { code: "unknown_sku"; sku: string }
  | { code: "inactive_product"; sku: string }
  | { code: "unknown_pack"; sku: string; pack: string }
  | { code: "mixed_currencies"; currencies: Currency[] };

export type PricingResult = { ok: true; order: PricedOrder } | { ok: false; problem: PricingProblem };

/** Same sku+pack chosen twice becomes one line with the quantities added. */
export function mergeSelection(selection: readonly OrderSelectionLine[]): OrderSelectionLine[] {
  const merged = new Map<string, OrderSelectionLine>();
  for (const line of selection) {
    const key = `${line.sku}/${line.pack}`;
    const existing = merged.get(key);
    merged.set(key, existing ? { ...existing, qty: existing.qty + line.qty } : { ...line });
  }
  return [...merged.values()];
}

export function priceOrder(
  selection: readonly OrderSelectionLine[],
  catalog: readonly Product[],
): PricingResult {
  const lines = mergeSelection(selection);
  if (lines.length === 0) return { ok: false, problem: { code: "empty" } };
  const bySku = new Map(catalog.map((p) => [p.sku, p]));
  const priced: PricedLine[] = [];
  const totals: Money[] = [];
  for (const line of lines) {
    const product = bySku.get(line.sku);
    if (!product) return { ok: false, problem: { code: "unknown_sku", sku: line.sku } };
    if (!product.active) return { ok: false, problem: { code: "inactive_product", sku: line.sku } };
    const pack = findPack(product, line.pack);
    if (!pack) return { ok: false, problem: { code: "unknown_pack", sku: line.sku, pack: line.pack } };
    const unit = money(pack.priceMinor, product.currency);
    const lineTotal = multiply(unit, line.qty);
    totals.push(lineTotal);
    priced.push({
      sku: product.sku,
      name: product.name,
      pack: pack.code,
      units: pack.units,
      qty: line.qty,
      unitPriceMinor: unit.amountMinor,
      lineTotalMinor: lineTotal.amountMinor,
    });
  }
  const currencies = [...new Set(totals.map((t) => t.currency))];
  const currency = currencies[0];
  if (currency === undefined || currencies.length > 1) {
    return { ok: false, problem: { code: "mixed_currencies", currencies } };
  }
  return { ok: true, order: { currency, lines: priced, totalMinor: sum(totals, currency).amountMinor } };
}

/** True when the stored lines and total agree with arithmetic (guards hand-edited documents). */
export function isConsistent(order: PricedOrder): boolean {
  const lineSum = order.lines.reduce((acc, l) => acc + l.lineTotalMinor, 0);
  return (
    order.lines.every((l) => l.unitPriceMinor * l.qty === l.lineTotalMinor) && lineSum === order.totalMinor
  );
}
