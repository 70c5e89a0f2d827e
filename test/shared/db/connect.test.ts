import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDb } from "../../../shared/db/connect.js";
import { ALL_INDEXES, COLLECTIONS, defaultAutomationSeed } from "../../../shared/db/index.js";
import type { TestDb } from "./harness.js";
import { openTestDb } from "./harness.js";

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => {
  await t?.stop();
});

async function indexesByName(collection: string) {
  const list = await t.mongo.client.db(t.mongo.dbName).collection(collection).listIndexes().toArray();
  return new Map(list.map((ix) => [ix["name"] as string, ix]));
}

describe("connectDb", () => {
  it("creates every declared index, with unique, partial and TTL options", async () => {
    for (const { collection, indexes } of ALL_INDEXES) {
      const existing = await indexesByName(collection);
      for (const index of indexes) {
        const found = existing.get(index.name);
        expect(found, `${collection}.${index.name}`).toBeDefined();
        expect(found?.["key"]).toEqual(index.key);
        expect(Boolean(found?.["unique"])).toBe(Boolean(index.unique));
      }
    }
    const messages = await indexesByName(COLLECTIONS.messages);
    expect(messages.get("inbound_wa_id_unique")?.["partialFilterExpression"]).toEqual({ direction: "in" });
    const executions = await indexesByName(COLLECTIONS.automationExecutions);
    expect(executions.get("expire_at_ttl")?.["expireAfterSeconds"]).toBe(0);
  });

  it("connects a second time without errors or duplicate indexes (idempotent startup)", async () => {
    const before = await indexesByName(COLLECTIONS.orders);
    const second = await connectDb({ uri: t.mongo.uri, dbName: t.mongo.dbName });
    try {
      const after = await indexesByName(COLLECTIONS.orders);
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      expect(await second.catalog.listActive()).toHaveLength((await t.db.catalog.listActive()).length);
    } finally {
      await second.close();
    }
  });

  it("seeds the catalog on first start only, never overwriting an edited price", async () => {
    const products = await t.db.catalog.listActive();
    expect(products.length).toBeGreaterThanOrEqual(3);
    const first = products[0];
    if (!first) throw new Error("no products");
    const edited = {
      ...first,
      packs: first.packs.map((p) => (p.code === "1x" ? { ...p, priceMinor: 12345 } : p)),
    };
    await t.db.catalog.upsertProduct(edited);
    // The agent's catalog (kept between turns) shows the edit at once.
    const shown = (await t.db.catalog.listActive()).find((p) => p.sku === first.sku);
    expect(shown?.packs.find((p) => p.code === "1x")?.priceMinor).toBe(12345);

    const again = await t.db.catalog.seedCatalog();
    expect(again).toEqual({ seeded: false, inserted: 0 });
    const restarted = await connectDb({ uri: t.mongo.uri, dbName: t.mongo.dbName });
    try {
      const reread = await restarted.catalog.getBySku(first.sku);
      expect(reread?.packs.find((p) => p.code === "1x")?.priceMinor).toBe(12345);
    } finally {
      await restarted.close();
    }
  });

  it("seeds the example automations only when asked, and only once", async () => {
    expect(await t.db.automations.list()).toEqual([]);
    const sandbox = await connectDb({ uri: t.mongo.uri, dbName: t.mongo.dbName, seedAutomations: true });
    try {
      const seeded = await sandbox.automations.list();
      expect(seeded.map((a) => [a.name, a.enabled])).toEqual([
        ["follow-up-after-approval", true],
        ["notify-sales-big-order", true],
        ["reactivate-inactive-30d", false],
        ["tag-new-leads", true],
        ["tag-wholesale-interest", true],
      ]);
      expect(seeded.every((a) => a.createdBy.kind === "system")).toBe(true);
      // An admin's change survives the next start.
      await sandbox.automations.setEnabled("tag-new-leads", false, { kind: "slack_user", id: "U0ADMIN01" });
      const again = await sandbox.automations.seedAutomations(defaultAutomationSeed(), {
        kind: "system",
        id: "seed",
      });
      expect(again.created).toEqual([]);
      expect(await sandbox.automations.isEnabled("tag-new-leads")).toBe(false);
    } finally {
      await sandbox.close();
    }
  });

  it("fails startup loudly when an index of the same name exists with another definition", async () => {
    const dbName = `${t.mongo.dbName}_conflict`;
    await t.mongo.client
      .db(dbName)
      .collection(COLLECTIONS.contacts)
      .createIndex({ phone: 1 }, { name: "account_phone_unique" });
    try {
      await expect(connectDb({ uri: t.mongo.uri, dbName })).rejects.toThrow(/ensureIndexes: contacts/);
    } finally {
      await t.mongo.client.db(dbName).dropDatabase();
    }
  });

  it("refuses a malformed URI without echoing it", async () => {
    await expect(connectDb({ uri: "http://user:secret@host", dbName: "x" })).rejects.toThrow(/uri/);
    await expect(connectDb({ uri: "http://user:secret@host", dbName: "x" })).rejects.not.toThrow(/secret/);
  });
});
