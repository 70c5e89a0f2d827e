// What the shop sells: products, each offered in packs (1x, 2x, 3x) with a promo price per pack.
// Prices are integer minor units in the product's currency (see money.ts).
import { z } from "zod";
import { currencySchema, minorUnitsSchema } from "./money.js";

export const skuSchema = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9-]{1,39}$/, "SKU: 2-40 upper-case letters, digits or dashes");

export const packCodeSchema = z.string().regex(/^[1-9]\d?x$/, 'pack code like "1x", "2x", "3x"');
export type PackCode = z.infer<typeof packCodeSchema>;

/** The pack a customer gets when they do not choose one. */
export const DEFAULT_PACK: PackCode = "1x";

export const packSchema = z
  .object({
    code: packCodeSchema,
    /** How many units of the product the pack contains. */
    units: z.number().int().min(1).max(99),
    /** What the customer pays for one pack, in minor units. */
    priceMinor: minorUnitsSchema,
    /** Regular price of the same units, to show the saving (optional). */
    regularPriceMinor: minorUnitsSchema.optional(),
    label: z.string().min(1).max(80).optional(),
  })
  .strict();
export type Pack = z.infer<typeof packSchema>;

export const productSchema = z
  .object({
    sku: skuSchema,
    name: z.string().min(1).max(120),
    description: z.string().max(1000).default(""),
    currency: currencySchema,
    active: z.boolean().default(true),
    packs: z
      .array(packSchema)
      .min(1)
      .refine(
        (packs) => new Set(packs.map((p) => p.code)).size === packs.length,
        "pack codes must be unique",
      ),
  })
  .strict();
export type Product = z.infer<typeof productSchema>;

export const catalogFileSchema = z.object({ products: z.array(productSchema).min(1) }).strict();
export type CatalogFile = z.infer<typeof catalogFileSchema>;

export function findPack(product: Product, code: string): Pack | undefined {
  return product.packs.find((p) => p.code === code);
}
