// The real `mongodb` driver against the embedded server (or MONGODB_URI): what application code relies on.
import {
  Decimal128,
  Long,
  MongoBulkWriteError,
  MongoServerError,
  ObjectId,
  type CommandStartedEvent,
  type Db,
} from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestMongo, type TestMongo } from "../../support/mongo.js";

let mongo: TestMongo;
let db: Db;

beforeAll(async () => {
  mongo = await startTestMongo();
  db = mongo.client.db(mongo.dbName);
});

afterAll(async () => {
  await mongo?.stop();
});

describe("CRUD through the driver", () => {
  it("inserts, finds, updates and deletes documents with BSON types intact", async () => {
    const coll = db.collection<{ name: string; at: Date; tags: string[] }>("crud");
    const when = new Date("2026-01-02T03:04:05Z");
    const { insertedId } = await coll.insertOne({ name: "Ana", at: when, tags: ["a", "b"] });
    expect(insertedId).toBeInstanceOf(ObjectId);

    const found = await coll.findOne({ _id: insertedId });
    expect(found).toEqual({ _id: insertedId, name: "Ana", at: when, tags: ["a", "b"] });
    expect(Object.keys(found ?? {})[0]).toBe("_id");

    const upd = await coll.updateOne({ _id: insertedId }, { $set: { name: "Ana M" }, $push: { tags: "c" } });
    expect(upd.modifiedCount).toBe(1);
    const same = await coll.updateOne({ _id: insertedId }, { $set: { name: "Ana M" } });
    expect(same).toMatchObject({ matchedCount: 1, modifiedCount: 0 });

    const del = await coll.deleteOne({ name: "Ana M" });
    expect(del.deletedCount).toBe(1);
    expect(await coll.countDocuments()).toBe(0);
  });

  it("upserts with $setOnInsert only on insert", async () => {
    const coll = db.collection("upserts");
    await coll.updateOne(
      { key: "k" },
      { $set: { seen: 1 }, $setOnInsert: { createdBy: "first" } },
      { upsert: true },
    );
    await coll.updateOne(
      { key: "k" },
      { $set: { seen: 2 }, $setOnInsert: { createdBy: "second" } },
      { upsert: true },
    );
    const doc = await coll.findOne({ key: "k" }, { projection: { _id: 0 } });
    expect(doc).toEqual({ key: "k", seen: 2, createdBy: "first" });
  });

  it("updates array elements with arrayFilters and documents with a pipeline", async () => {
    const coll = db.collection("arrays");
    await coll.insertOne({
      _id: 1 as never,
      items: [
        { sku: "a", qty: 1 },
        { sku: "b", qty: 5 },
      ],
      first: "X",
      last: "Y",
    });
    await coll.updateOne(
      { _id: 1 as never },
      { $inc: { "items.$[big].qty": 10 } },
      { arrayFilters: [{ "big.qty": { $gte: 5 } }] },
    );
    await coll.updateOne({ _id: 1 as never }, [{ $set: { full: { $concat: ["$first", " ", "$last"] } } }]);
    const doc = await coll.findOne({ _id: 1 as never });
    expect(doc?.["items"]).toEqual([
      { sku: "a", qty: 1 },
      { sku: "b", qty: 15 },
    ]);
    expect(doc?.["full"]).toBe("X Y");
  });

  it("findOneAndUpdate returns the document before or after, and wins only once on a state guard", async () => {
    const orders = db.collection("orders");
    await orders.insertOne({ _id: "o1" as never, state: "pending_approval" });
    const first = await orders.findOneAndUpdate(
      { _id: "o1" as never, state: "pending_approval" },
      { $set: { state: "approved", by: "ana" } },
      { returnDocument: "after" },
    );
    const second = await orders.findOneAndUpdate(
      { _id: "o1" as never, state: "pending_approval" },
      { $set: { state: "rejected", by: "bob" } },
    );
    expect(first).toMatchObject({ state: "approved", by: "ana" });
    expect(second).toBeNull();
  });

  it("lets exactly one of many concurrent conditional updates win", async () => {
    const orders = db.collection("race");
    await orders.insertOne({ _id: "o2" as never, state: "pending_approval" });
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        orders.findOneAndUpdate(
          { _id: "o2" as never, state: "pending_approval" },
          { $set: { state: "approved", by: `user${i}` } },
          { returnDocument: "after" },
        ),
      ),
    );
    const winners = attempts.filter((doc) => doc !== null);
    expect(winners).toHaveLength(1);
    expect(await orders.findOne({ _id: "o2" as never })).toEqual(winners[0]);
  });

  it("sorts, skips, limits and projects like MongoDB", async () => {
    const coll = db.collection("paging");
    await coll.insertMany([3, 1, 4, 1, 5, 9, 2, 6].map((n, i) => ({ i, n, extra: "x" })));
    const page = await coll
      .find({}, { projection: { n: 1, _id: 0 } })
      .sort({ n: -1, i: 1 })
      .skip(1)
      .limit(3)
      .toArray();
    expect(page).toEqual([{ n: 6 }, { n: 5 }, { n: 4 }]);
  });

  it("aggregates with $group, $lookup and $count", async () => {
    const customers = db.collection("customers");
    const sales = db.collection("sales");
    await customers.insertMany([
      { _id: "c1" as never, name: "Ana" },
      { _id: "c2" as never, name: "Bo" },
    ]);
    await sales.insertMany([
      { c: "c1", total: 10 },
      { c: "c1", total: 5 },
      { c: "c2", total: 7 },
    ]);
    const totals = await sales
      .aggregate([
        { $group: { _id: "$c", total: { $sum: "$total" } } },
        { $lookup: { from: "customers", localField: "_id", foreignField: "_id", as: "customer" } },
        { $project: { _id: 0, name: { $first: "$customer.name" }, total: 1 } },
        { $sort: { total: -1 } },
      ])
      .toArray();
    expect(totals).toEqual([
      { total: 15, name: "Ana" },
      { total: 7, name: "Bo" },
    ]);
    expect(await sales.aggregate([{ $match: { total: { $gt: 6 } } }, { $count: "n" }]).toArray()).toEqual([
      { n: 2 },
    ]);
    expect((await sales.distinct("c")).sort()).toEqual(["c1", "c2"]);
  });

  it("treats user text that looks like an operator as a plain string", async () => {
    const messages = db.collection("messages");
    const text = '{"$gt": ""}';
    await messages.insertMany([{ text }, { text: "hello" }]);
    const literal = await messages.find({ text }).toArray();
    expect(literal.map((m) => m["text"])).toEqual([text]);
    const stored = await messages.findOne({ text: { $eq: text } });
    expect(typeof stored?.["text"]).toBe("string");
  });

  it("reports a missing collection with NamespaceNotFound (26) and an unknown command with 59", async () => {
    const err = await db
      .collection("nope")
      .listIndexes()
      .toArray()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect((err as MongoServerError).code).toBe(26);
    const unknown = await db.command({ definitelyNotACommand: 1 }).catch((e: unknown) => e);
    expect((unknown as MongoServerError).code).toBe(59);
    const cursor = await db
      .command({ getMore: Long.fromString("1234567890123"), collection: "nope" })
      .catch((e: unknown) => e);
    expect((cursor as MongoServerError).code).toBe(43);
    expect((cursor as MongoServerError).codeName).toBe("CursorNotFound");
  });

  it("rejects $inc on a string with TypeMismatch (14)", async () => {
    const coll = db.collection("types");
    await coll.insertOne({ _id: 1 as never, n: "one" });
    const err = await coll.updateOne({ _id: 1 as never }, { $inc: { n: 1 } }).catch((e: unknown) => e);
    expect((err as MongoServerError).code).toBe(14);
    expect(await coll.findOne({ _id: 1 as never })).toEqual({ _id: 1, n: "one" });
  });
});

describe("cursors", () => {
  it("returns all of 250 documents through getMore batches and sends killCursors on early close", async () => {
    const coll = db.collection("many");
    await coll.insertMany(Array.from({ length: 250 }, (_, i) => ({ i })));
    const events: CommandStartedEvent[] = [];
    const listener = (e: CommandStartedEvent): void => void events.push(e);
    const client = mongo.client;
    const monitored = new (client.constructor as typeof import("mongodb").MongoClient)(mongo.uri, {
      monitorCommands: true,
    });
    monitored.on("commandStarted", listener);
    try {
      const all = await monitored.db(mongo.dbName).collection("many").find().sort({ i: 1 }).toArray();
      expect(all.map((d) => d["i"])).toEqual(Array.from({ length: 250 }, (_, i) => i));
      expect(events.filter((e) => e.commandName === "getMore").length).toBeGreaterThanOrEqual(1);

      const cursor = monitored.db(mongo.dbName).collection("many").find({}, { batchSize: 10 });
      await cursor.next();
      await cursor.close();
      expect(events.some((e) => e.commandName === "killCursors")).toBe(true);
    } finally {
      await monitored.close();
    }
  });
});

describe("unique indexes", () => {
  it("throws MongoServerError 11000 with keyPattern and keyValue", async () => {
    const contacts = db.collection("contacts");
    await contacts.createIndex({ phone: 1 }, { unique: true });
    await contacts.insertOne({ phone: "+15550001" });
    const err = await contacts.insertOne({ phone: "+15550001" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect((err as MongoServerError).code).toBe(11000);
    expect((err as MongoServerError)["keyPattern"]).toEqual({ phone: 1 });
    expect((err as MongoServerError)["keyValue"]).toEqual({ phone: "+15550001" });
    expect(await contacts.countDocuments()).toBe(1);
  });

  it("rejects a duplicate made by an update or an upsert", async () => {
    const coll = db.collection("uniq_update");
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertMany([{ email: "a@x" }, { email: "b@x" }]);
    const err = await coll.updateOne({ email: "b@x" }, { $set: { email: "a@x" } }).catch((e: unknown) => e);
    expect((err as MongoServerError).code).toBe(11000);
    const fam = await coll
      .findOneAndUpdate({ email: "zzz" }, { $set: { email: "a@x" } }, { upsert: true })
      .catch((e: unknown) => e);
    expect((fam as MongoServerError).code).toBe(11000);
    expect((await coll.find().toArray()).map((d) => d["email"]).sort()).toEqual(["a@x", "b@x"]);
  });

  it("enforces uniqueness per element of an array (multikey) and per compound key", async () => {
    const coll = db.collection("uniq_multi");
    await coll.createIndex({ tags: 1 }, { unique: true });
    await coll.insertOne({ tags: ["a", "b"] });
    const err = await coll.insertOne({ tags: ["b", "c"] }).catch((e: unknown) => e);
    expect((err as MongoServerError).code).toBe(11000);

    const compound = db.collection("uniq_compound");
    await compound.createIndex({ account: 1, waId: 1 }, { unique: true });
    await compound.insertMany([
      { account: "A", waId: "1" },
      { account: "B", waId: "1" },
    ]);
    const dup = await compound.insertOne({ account: "A", waId: "1" }).catch((e: unknown) => e);
    expect((dup as MongoServerError).code).toBe(11000);
  });

  it("insertMany unordered inserts the rest and throws MongoBulkWriteError", async () => {
    const coll = db.collection("uniq_bulk");
    await coll.createIndex({ k: 1 }, { unique: true });
    const err = await coll
      .insertMany([{ k: 1 }, { k: 1 }, { k: 2 }], { ordered: false })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoBulkWriteError);
    expect((err as MongoBulkWriteError).code).toBe(11000);
    expect((err as MongoBulkWriteError).insertedCount).toBe(2);
    expect(await coll.countDocuments()).toBe(2);
  });

  it("refuses to build a unique index over existing duplicates, and lists and drops indexes", async () => {
    const coll = db.collection("uniq_build");
    await coll.insertMany([{ k: 1 }, { k: 1 }]);
    const err = await coll.createIndex({ k: 1 }, { unique: true }).catch((e: unknown) => e);
    expect((err as MongoServerError).code).toBe(11000);
    await coll.createIndex({ other: 1 }, { name: "other_idx" });
    expect((await coll.listIndexes().toArray()).map((i) => i["name"])).toEqual(["_id_", "other_idx"]);
    await coll.dropIndex("other_idx");
    expect((await coll.listIndexes().toArray()).map((i) => i["name"])).toEqual(["_id_"]);
  });
});

describe("TTL indexes", () => {
  it("expire documents whose date is older than expireAfterSeconds", async () => {
    const admin = mongo.client.db("admin");
    const { was } = await admin.command({ setParameter: 1, ttlMonitorSleepSecs: 1 });
    const sessions = db.collection("sessions");
    await sessions.createIndex({ createdAt: 1 }, { expireAfterSeconds: 1 });
    await sessions.insertMany([
      { name: "old", createdAt: new Date(Date.now() - 60_000) },
      { name: "fresh", createdAt: new Date(Date.now() + 3_600_000) },
      { name: "no date" },
    ]);
    const deadline = Date.now() + 20_000;
    try {
      while (Date.now() < deadline && (await sessions.countDocuments({ name: "old" })) > 0) {
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await admin.command({ setParameter: 1, ttlMonitorSleepSecs: was });
    }
    expect(
      (await sessions.find({}, { projection: { _id: 0, name: 1 } }).toArray()).map((d) => d["name"]).sort(),
    ).toEqual(["fresh", "no date"]);
  });
});

describe("views, numeric types and bulk writes", () => {
  it("reads through a view and refuses writes to it with CommandNotSupportedOnView (166)", async () => {
    await db.collection("people").insertMany([
      { name: "a", age: 17 },
      { name: "b", age: 30 },
    ]);
    await db.createCollection("adults", { viewOn: "people", pipeline: [{ $match: { age: { $gte: 18 } } }] });
    expect(
      await db
        .collection("adults")
        .find({}, { projection: { _id: 0 } })
        .toArray(),
    ).toEqual([{ name: "b", age: 30 }]);
    expect(await db.collection("adults").estimatedDocumentCount()).toBe(1);
    const err = await db
      .collection("adults")
      .insertOne({ name: "c" })
      .catch((e: unknown) => e);
    expect((err as MongoServerError).code).toBe(166);
  });

  it("compares Decimal128 and 64-bit Long values by number in queries and sorts", async () => {
    const prices = db.collection("prices");
    await prices.insertMany([
      { sku: "a", price: Decimal128.fromString("10.50"), big: Long.fromString("9007199254741993") },
      { sku: "b", price: Decimal128.fromString("9.99"), big: Long.fromString("9007199254740000") },
    ]);
    const over10 = await prices.find({ price: { $gt: 10 } }).toArray();
    expect(over10.map((d) => d["sku"])).toEqual(["a"]);
    expect(await prices.countDocuments({ big: { $gt: Long.fromString("9007199254741000") } })).toBe(1);
    const sorted = await prices.find({}, { sort: { price: 1 } }).toArray();
    expect(sorted.map((d) => d["sku"])).toEqual(["b", "a"]);
    expect(sorted[0]?.["price"]).toBeInstanceOf(Decimal128);
  });

  it("runs a mixed ordered bulkWrite and reports counts and upserted ids", async () => {
    const coll = db.collection("bulk");
    const result = await coll.bulkWrite([
      { insertOne: { document: { _id: 1 as never, n: 1 } } },
      { updateOne: { filter: { _id: 1 as never }, update: { $inc: { n: 1 } } } },
      { updateOne: { filter: { _id: 2 as never }, update: { $set: { n: 5 } }, upsert: true } },
      { replaceOne: { filter: { _id: 2 as never }, replacement: { n: 6 } } },
      { deleteMany: { filter: { n: { $gt: 5 } } } },
    ]);
    expect(result).toMatchObject({
      insertedCount: 1,
      matchedCount: 2,
      modifiedCount: 2,
      upsertedCount: 1,
      deletedCount: 1,
    });
    expect(result.upsertedIds).toEqual({ 2: 2 });
    expect(await coll.find().toArray()).toEqual([{ _id: 1, n: 2 }]);
  });

  it("keeps only the newest documents of a capped collection", async () => {
    const log = await db.createCollection("capped_log", { capped: true, size: 4096, max: 3 });
    for (let i = 1; i <= 5; i++) await log.insertOne({ i });
    expect((await log.find({}, { projection: { _id: 0 } }).toArray()).map((d) => d["i"])).toEqual([3, 4, 5]);
  });

  it("drops collections and databases and lists what exists", async () => {
    const other = mongo.client.db(`${mongo.dbName}_other`);
    await other.collection("a").insertOne({ x: 1 });
    const names = (await mongo.client.db("admin").admin().listDatabases()).databases.map((d) => d.name);
    expect(names).toContain(`${mongo.dbName}_other`);
    expect(await other.collection("a").drop()).toBe(true);
    await other.dropDatabase();
    const after = (await mongo.client.db("admin").admin().listDatabases()).databases.map((d) => d.name);
    expect(after).not.toContain(`${mongo.dbName}_other`);
  });
});
