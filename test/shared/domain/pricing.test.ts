import { describe, expect, it } from "vitest";
import type { Product } from "../../../shared/domain/catalog.js";
import { catalogFileSchema } from "../../../shared/domain/catalog.js";
import { isConsistent, orderSelectionSchema, priceOrder } from "../../../shared/domain/pricing.js";
import seed from "../../../shared/db/catalog-seed.json" with { type: "json" };

const catalog: Product[] = [
  {
    sku: "COLAGENO-500",
    name: "Colágeno",
    description: "",
    currency: "MXN",
    active: true,
    packs: [
      { code: "1x", units: 1, priceMinor: 49900 },
      { code: "2x", units: 2, priceMinor: 89900, regularPriceMinor: 99800 },
    ],
  },
  {
    sku: "OMEGA3-120",
    name: "Omega 3",
    description: "",
    currency: "MXN",
    active: true,
    packs: [{ code: "1x", units: 1, priceMinor: 39900 }],
  },
  {
    sku: "OLD-ITEM",
    name: "Retired",
    description: "",
    currency: "MXN",
    active: false,
    packs: [{ code: "1x", units: 1, priceMinor: 100 }],
  },
  {
    sku: "USD-ITEM",
    name: "Imported",
    description: "",
    currency: "USD",
    active: true,
    packs: [{ code: "1x", units: 1, priceMinor: 1000 }],
  },
];

describe("pricing an order from the catalog", () => {
  it("takes every price from the catalog and totals lines in cents", () => {
    const result = priceOrder(
      [
        { sku: "COLAGENO-500", pack: "2x", qty: 2 },
        { sku: "OMEGA3-120", pack: "1x", qty: 1 },
      ],
      catalog,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.order.lines).toEqual([
      {
        sku: "COLAGENO-500",
        name: "Colágeno",
        pack: "2x",
        units: 2,
        qty: 2,
        unitPriceMinor: 89900,
        lineTotalMinor: 179800,
      },
      {
        sku: "OMEGA3-120",
        name: "Omega 3",
        pack: "1x",
        units: 1,
        qty: 1,
        unitPriceMinor: 39900,
        lineTotalMinor: 39900,
      },
    ]);
    expect(result.order.totalMinor).toBe(219700);
    expect(result.order.currency).toBe("MXN");
    expect(isConsistent(result.order)).toBe(true);
  });

  it("merges the same pack chosen twice into one line", () => {
    const result = priceOrder(
      [
        { sku: "COLAGENO-500", pack: "1x", qty: 1 },
        { sku: "COLAGENO-500", pack: "1x", qty: 2 },
      ],
      catalog,
    );
    expect(result.ok && result.order.lines).toEqual([
      expect.objectContaining({ qty: 3, lineTotalMinor: 149700 }),
    ]);
  });

  it("names the problem for unknown products, packs, inactive products and mixed currencies", () => {
    expect(priceOrder([{ sku: "NOPE-1", pack: "1x", qty: 1 }], catalog)).toEqual({
      ok: false,
      problem: { code: "unknown_sku", sku: "NOPE-1" },
    });
    expect(priceOrder([{ sku: "OMEGA3-120", pack: "3x", qty: 1 }], catalog)).toEqual({
      ok: false,
      problem: { code: "unknown_pack", sku: "OMEGA3-120", pack: "3x" },
    });
    expect(priceOrder([{ sku: "OLD-ITEM", pack: "1x", qty: 1 }], catalog)).toMatchObject({
      ok: false,
      problem: { code: "inactive_product" },
    });
    expect(
      priceOrder(
        [
          { sku: "OMEGA3-120", pack: "1x", qty: 1 },
          { sku: "USD-ITEM", pack: "1x", qty: 1 },
        ],
        catalog,
      ),
    ).toMatchObject({ ok: false, problem: { code: "mixed_currencies" } });
    expect(priceOrder([], catalog)).toEqual({ ok: false, problem: { code: "empty" } });
  });

  it("accepts only sku, pack and a sane whole quantity from the model (no price field)", () => {
    expect(
      orderSelectionSchema.safeParse([{ sku: "OMEGA3-120", pack: "1x", qty: 1, unitPriceMinor: 0 }]).success,
    ).toBe(false);
    expect(orderSelectionSchema.safeParse([{ sku: "OMEGA3-120", pack: "1x", qty: 0 }]).success).toBe(false);
    expect(orderSelectionSchema.safeParse([{ sku: "OMEGA3-120", pack: "1x", qty: 2.5 }]).success).toBe(false);
    expect(orderSelectionSchema.safeParse([{ sku: { $gt: "" }, pack: "1x", qty: 1 }]).success).toBe(false);
  });

  it("detects a stored order whose total does not add up", () => {
    expect(
      isConsistent({
        currency: "MXN",
        totalMinor: 1,
        lines: [
          { sku: "A1", name: "a", pack: "1x", units: 1, qty: 2, unitPriceMinor: 100, lineTotalMinor: 200 },
        ],
      }),
    ).toBe(false);
  });

  it("ships a seed catalog that validates and offers 1x/2x/3x packs cheaper per unit", () => {
    const products = catalogFileSchema.parse(seed).products;
    expect(products.length).toBeGreaterThanOrEqual(3);
    for (const product of products) {
      expect(product.packs.map((p) => p.code)).toEqual(["1x", "2x", "3x"]);
      const perUnit = product.packs.map((p) => p.priceMinor / p.units);
      expect(perUnit[1]).toBeLessThan(perUnit[0] ?? 0);
      expect(perUnit[2]).toBeLessThan(perUnit[1] ?? 0);
    }
  });
});
