// catalog: products with their packs (1x/2x/3x) and promo prices, one document per SKU (_id = sku).
// Seeded from catalog-seed.json on first start; after that, MongoDB is the source of truth (an edited
// price is never overwritten by a restart).
import type { Collection, Db } from "mongodb";
import { z } from "zod";
import { clock } from "../clock.js";
import type { Product } from "../domain/catalog.js";
import { catalogFileSchema, productSchema, skuSchema } from "../domain/catalog.js";
import catalogSeed from "./catalog-seed.json" with { type: "json" };
import type { CollectionIndexes } from "./collections.js";
import { COLLECTIONS } from "./collections.js";
import { READ_CACHE_MS, ReadCache } from "./read-cache.js";
import { parseInput } from "./validate.js";

export type CatalogDoc = Product & { _id: string; createdAt: Date; updatedAt: Date };

export const catalogIndexes: CollectionIndexes = {
  collection: COLLECTIONS.catalog,
  indexes: [{ name: "active_sku", key: { active: 1, _id: 1 } }],
};

/** The catalog shipped with the product, validated (a broken seed file fails at startup, loudly). */
export function defaultCatalogSeed(): Product[] {
  return catalogFileSchema.parse(catalogSeed).products;
}

export interface CatalogRepo {
  /**
   * Inserts the products when the catalog is empty (first start). Idempotent and safe when two
   * processes start at once; never overwrites an existing product.
   */
  seedCatalog(products?: Product[]): Promise<{ seeded: boolean; inserted: number }>;
  /** The active products by SKU; kept for READ_CACHE_MS (an edit through this repository shows at once). */
  listActive(): Promise<Product[]>;
  getBySku(sku: string): Promise<Product | null>;
  getBySkus(skus: string[]): Promise<Product[]>;
  /** Admin edit (price change, deactivation); validated as a whole product. */
  upsertProduct(product: Product): Promise<Product>;
}

function toProduct(doc: CatalogDoc): Product {
  const { _id: _ignored, createdAt: _c, updatedAt: _u, ...product } = doc;
  return product;
}

export function catalogRepo(db: Db): CatalogRepo {
  const catalog: Collection<CatalogDoc> = db.collection<CatalogDoc>(COLLECTIONS.catalog);
  // Every agent turn shows the catalog; it changes only when an admin edits a product.
  const active = new ReadCache(READ_CACHE_MS, async () => {
    const docs = await catalog.find({ active: true }).sort({ _id: 1 }).toArray();
    return docs.map(toProduct);
  });

  return {
    async seedCatalog(products) {
      const items = parseInput(
        "catalog.seedCatalog",
        z.array(productSchema).min(1),
        products ?? defaultCatalogSeed(),
      );
      if ((await catalog.estimatedDocumentCount()) > 0) return { seeded: false, inserted: 0 };
      const now = clock.now();
      let inserted = 0;
      for (const product of items) {
        const result = await catalog.updateOne(
          { _id: product.sku },
          // _id comes from the filter's equality on upsert.
          { $setOnInsert: { ...product, createdAt: now, updatedAt: now } },
          { upsert: true },
        );
        inserted += result.upsertedCount;
      }
      active.clear();
      return { seeded: inserted > 0, inserted };
    },

    async listActive() {
      return [...(await active.get())];
    },

    async getBySku(sku) {
      const doc = await catalog.findOne({ _id: parseInput("catalog.getBySku", skuSchema, sku) });
      return doc ? toProduct(doc) : null;
    },

    async getBySkus(skus) {
      const ids = parseInput("catalog.getBySkus", z.array(skuSchema).max(50), skus);
      const docs = await catalog.find({ _id: { $in: ids } }).toArray();
      return docs.map(toProduct);
    },

    async upsertProduct(raw) {
      const product = parseInput("catalog.upsertProduct", productSchema, raw);
      const now = clock.now();
      await catalog.updateOne(
        { _id: product.sku },
        { $set: { ...product, updatedAt: now }, $setOnInsert: { createdAt: now } },
        { upsert: true },
      );
      active.clear();
      return product;
    },
  };
}
