// The catalog as the brain sees it: every active pack, numbered in a fixed order (so "2" means the
// same pack to the customer, the rules brain and the promos list), with its price computed by code.
import type { Product } from "../../../shared/domain/catalog.js";
import type { OrderSelectionLine } from "../../../shared/domain/pricing.js";
import type { Currency } from "../../../shared/domain/money.js";
import { formatMoney, money, savings } from "../../../shared/domain/money.js";

export interface PackOffer {
  /** Number shown to the customer (1-based, catalog order). */
  number: number;
  /** "SKU:code", the id tools use. */
  packId: string;
  sku: string;
  productName: string;
  pack: string;
  units: number;
  label: string;
  currency: Currency;
  priceMinor: number;
  regularPriceMinor?: number;
  savingsMinor: number;
  /** "$899.00 MXN" */
  priceText: string;
}

export interface CatalogOffer {
  /** Active products, as pricing.ts needs them. */
  products: Product[];
  packs: PackOffer[];
}

export function packIdOf(sku: string, pack: string): string {
  return `${sku}:${pack}`;
}

/** "COLAGENO-500:2x" → { sku, pack }, or null when it is not shaped like a pack id. */
export function splitPackId(packId: string): { sku: string; pack: string } | null {
  const at = packId.lastIndexOf(":");
  if (at <= 0) return null;
  return { sku: packId.slice(0, at), pack: packId.slice(at + 1) };
}

export function buildCatalogOffer(products: readonly Product[]): CatalogOffer {
  const active = products.filter((p) => p.active);
  const packs: PackOffer[] = [];
  for (const product of active) {
    for (const pack of product.packs) {
      const price = money(pack.priceMinor, product.currency);
      const regular =
        pack.regularPriceMinor === undefined ? undefined : money(pack.regularPriceMinor, product.currency);
      packs.push({
        number: packs.length + 1,
        packId: packIdOf(product.sku, pack.code),
        sku: product.sku,
        productName: product.name,
        pack: pack.code,
        units: pack.units,
        label: pack.label ?? `${pack.units}x`,
        currency: product.currency,
        priceMinor: pack.priceMinor,
        ...(regular ? { regularPriceMinor: regular.amountMinor } : {}),
        savingsMinor: regular ? savings(regular, price).amountMinor : 0,
        priceText: formatMoney(price),
      });
    }
  }
  return { products: active, packs };
}

export function packByNumber(offer: CatalogOffer, number: number): PackOffer | undefined {
  return offer.packs.find((p) => p.number === number);
}

/** Tool items → pricing selection lines; unknown pack ids are returned separately. */
export function selectionFromItems(
  offer: CatalogOffer,
  items: readonly { packId: string; qty: number }[],
): { lines: OrderSelectionLine[]; unknown: string[] } {
  const lines: OrderSelectionLine[] = [];
  const unknown: string[] = [];
  for (const item of items) {
    const known = offer.packs.find((p) => p.packId === item.packId);
    if (known) lines.push({ sku: known.sku, pack: known.pack, qty: item.qty });
    else unknown.push(item.packId);
  }
  return { lines, unknown };
}
