// Filters answered from an index must give exactly what a scan gives: the same collection with and
// without indexes, the same filters (equality, $in, ranges, $and/$or, mixed types, arrays, nested
// paths, collations), the same answers in the same order, also after updates and deletes.
import {
  Decimal128,
  Long,
  MongoClient,
  ObjectId,
  type Collection,
  type Document,
  type Filter,
} from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedMongo, type EmbeddedMongo } from "../../../sandbox/mongo/index.js";

let mongo: EmbeddedMongo;
let client: MongoClient;
let indexed: Collection;
let plain: Collection;

const oids = Array.from(
  { length: 6 },
  (_, i) => new ObjectId(`6560000000000000000000${String(i).padStart(2, "0")}`),
);
const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n));

/** A deterministic mix of what application documents hold, plus the awkward cases. */
function documents(): Document[] {
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const values: unknown[] = [
    1,
    2,
    2.5,
    3,
    -1,
    0,
    Long.fromNumber(2),
    new Decimal128("3"),
    Number.NaN,
    "a",
    "b",
    "B",
    "ab",
    "",
    day(1),
    day(2),
    day(3),
    new Date(Number.NaN),
    oids[1],
    oids[3],
    true,
    false,
    null,
    [1, 5],
    [2, "a"],
    [[3]],
    [],
    { x: 1 },
    [{ c: 2 }, { c: 4 }],
  ];
  const docs: Document[] = [];
  for (let i = 0; i < 240; i++) {
    const doc: Document = { _id: i % 5 === 0 ? new ObjectId() : i };
    if (rand(6) !== 0) doc["a"] = values[rand(values.length)];
    if (rand(4) !== 0)
      doc["b"] =
        rand(3) === 0
          ? [{ c: values[rand(values.length)] }, { c: rand(5) }]
          : { c: values[rand(values.length)] };
    doc["d"] = rand(4);
    doc["e"] = ["x", "y", "z"][rand(3)];
    if (rand(3) === 0) doc["at"] = day(rand(10));
    docs.push(doc);
  }
  return docs;
}

const filters: Document[] = [
  { a: 2 },
  { a: 3 },
  { a: Long.fromNumber(3) },
  { a: 2.5 },
  { a: Number.NaN },
  { a: "a" },
  { a: "b" },
  { a: true },
  { a: day(2) },
  { a: oids[3] },
  { a: null },
  { a: [1, 5] },
  { a: { x: 1 } },
  { a: { $eq: 1 } },
  { a: { $in: [1, "a", day(1)] } },
  { a: { $in: [] } },
  { a: { $in: [1, null] } },
  { a: { $in: [/^a/, 2] } },
  { a: { $gt: 1 } },
  { a: { $gte: 2 } },
  { a: { $lt: 2 } },
  { a: { $lte: 0 } },
  { a: { $gt: 1, $lt: 3 } },
  { a: { $gte: 2, $lte: 2 } },
  { a: { $gt: "a" } },
  { a: { $gte: "", $lt: "b" } },
  { a: { $gt: day(1) } },
  { a: { $lte: day(2) } },
  { a: { $gt: oids[2] } },
  { a: { $gt: Number.NaN } },
  { a: { $gte: 1, $lt: "z" } },
  { a: { $gt: 1, $ne: 3 } },
  { a: { $exists: false } },
  { a: { $not: { $gt: 1 } } },
  { "b.c": 2 },
  { "b.c": { $gte: 2 } },
  { "b.c": { $in: ["a", 4] } },
  { "b.c": { $gt: 1, $lt: 3 } },
  { b: { c: 2 } },
  { d: 1 },
  { d: { $in: [0, 3] }, e: "x" },
  { d: 2, a: { $gt: 0 } },
  { $and: [{ a: { $gte: 1 } }, { d: 0 }] },
  { $or: [{ a: 1 }, { d: 3 }] },
  { $or: [{ a: 1 }, { e: "y" }] },
  { _id: 7 },
  { _id: { $in: [1, 2, 3, 200] } },
  { _id: { $gte: 100, $lt: 110 } },
  { _id: { $gt: oids[0] } },
  { at: { $gte: day(3), $lt: day(6) } },
  { at: { $lt: day(2) }, d: { $ne: 1 } },
  { e: "y" },
];

beforeAll(async () => {
  mongo = await startEmbeddedMongo({ quiet: true });
  client = new MongoClient(mongo.uri);
  await client.connect();
  const db = client.db("index_queries");
  indexed = db.collection("indexed");
  plain = db.collection("plain");
  await indexed.createIndex({ a: 1 });
  await indexed.createIndex({ "b.c": 1 }, { sparse: true });
  await indexed.createIndex({ d: 1, e: 1 });
  await indexed.createIndex({ at: -1 }, { partialFilterExpression: { d: { $gt: 0 } } });
  const docs = documents();
  await indexed.insertMany(docs.map((d) => ({ ...d })));
  await plain.insertMany(docs.map((d) => ({ ...d })));
});

afterAll(async () => {
  await client?.close();
  await mongo?.stop();
});

async function sameAnswers(filter: Document): Promise<void> {
  const label = JSON.stringify(filter);
  const both = async <T>(run: (c: Collection) => Promise<T>): Promise<[T, T]> => [
    await run(indexed),
    await run(plain),
  ];
  const [found, scanned] = await both((c) => c.find(filter).toArray());
  expect(found, label).toEqual(scanned);
  const [sorted, sortedScan] = await both((c) =>
    c.find(filter).sort({ d: -1, _id: 1 }).skip(1).limit(5).toArray(),
  );
  expect(sorted, label).toEqual(sortedScan);
  const [n, nScan] = await both((c) => c.countDocuments(filter));
  expect(n, label).toBe(nScan);
  const [values, valuesScan] = await both((c) => c.distinct("e", filter));
  expect(values, label).toEqual(valuesScan);
  const [first, firstScan] = await both((c) => c.findOne(filter));
  expect(first, label).toEqual(firstScan);
}

describe("filters answered from indexes", () => {
  it("find, count, distinct and findOne agree with a scan, order included", async () => {
    for (const filter of filters) await sameAnswers(filter);
    // under a collation, strings compare by the collation, not by the values the index holds
    const collation = { locale: "en", strength: 2 };
    for (const c of [indexed, plain]) await c.insertMany([{ a: "Zed" }, { a: "zed" }, { a: "ZED" }]);
    for (const filter of [{ a: "zed" }, { a: { $gte: "ZED", $lte: "zed" } }, { a: { $in: ["Zed"] } }]) {
      const project = { projection: { _id: 0 }, collation };
      expect(await indexed.find(filter, project).toArray()).toEqual(
        await plain.find(filter, project).toArray(),
      );
    }
    for (const c of [indexed, plain]) await c.deleteMany({ a: { $in: ["Zed", "zed", "ZED"] } });
  });

  it("updates, findAndModify and deletes by indexed fields change the same documents, and later answers still agree", async () => {
    const writes: Array<(c: Collection) => Promise<unknown>> = [
      (c) => c.updateMany({ a: { $gte: 2 } }, { $inc: { d: 10 } }),
      (c) => c.updateOne({ d: 1 }, { $set: { a: "moved" } }),
      (c) => c.updateMany({ "b.c": { $in: [2, 4] } }, { $set: { "b.c": "x" } }),
      (c) => c.findOneAndUpdate({ a: "a" }, { $set: { a: ["a", 9] } }, { sort: { _id: -1 } }),
      (c) => c.findOneAndDelete({ a: { $lt: 1 } }),
      (c) => c.deleteMany({ at: { $lt: day(4) } }),
      (c) => c.deleteOne({ e: "z", d: { $in: [0, 2] } }),
      (c) => c.replaceOne({ _id: 11 as never }, { a: 2, d: 0, e: "x" }),
      (c) => c.updateOne({ a: "absent" }, { $set: { d: 3 } }, { upsert: true }),
    ];
    const outcomes: unknown[] = [];
    for (const write of writes) {
      const [changed, changedScan] = [await write(indexed), await write(plain)];
      const strip = (r: unknown) =>
        JSON.parse(JSON.stringify(r, (k, v: unknown) => (k === "upsertedId" ? undefined : v))) as unknown;
      expect(strip(changed)).toEqual(strip(changedScan));
      outcomes.push(strip(changed));
    }
    // the writes did change documents (so the comparison below is not of two untouched collections)
    expect(outcomes[0]).toMatchObject({ modifiedCount: expect.any(Number) as number });
    expect((outcomes[0] as { modifiedCount: number }).modifiedCount).toBeGreaterThan(10);
    expect((outcomes[5] as { deletedCount: number }).deletedCount).toBeGreaterThan(0);
    const project = { projection: { _id: 0 } };
    expect(await indexed.find({}, project).toArray()).toEqual(await plain.find({}, project).toArray());
    for (const filter of filters) {
      const label = JSON.stringify(filter);
      expect(await indexed.find(filter, project).toArray(), label).toEqual(
        await plain.find(filter, project).toArray(),
      );
    }
    expect(await indexed.countDocuments({ a: 9 })).toBe(await plain.countDocuments({ a: 9 }));
  });

  it("ranges over thousands of values written in random order (and partly removed) match a scan", async () => {
    const db = client.db("index_queries");
    type Row = { _id: number; v: number; s: string };
    const [big, bigPlain] = [db.collection<Row>("big"), db.collection<Row>("big_plain")];
    await big.createIndex({ v: 1 });
    await big.createIndex({ s: 1 });
    let seed = 11;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const docs = Array.from({ length: 3000 }, (_, i) => ({
      _id: i,
      v: rand(100_000) / 10,
      s: `k${rand(50_000)}`,
    }));
    for (const c of [big, bigPlain]) await c.insertMany(docs.map((d) => ({ ...d })));
    for (const c of [big, bigPlain])
      await c.deleteMany({ _id: { $in: docs.filter((d) => d._id % 7 === 0).map((d) => d._id) } });
    for (const c of [big, bigPlain]) await c.updateMany({ v: { $lt: 500 } }, { $mul: { v: 3 } });
    for (let q = 0; q < 40; q++) {
      const from = rand(10_000);
      const filters: Filter<Row>[] = [
        { v: { $gte: from, $lt: from + 150 } },
        { v: { $gt: from + 0.5 }, _id: { $lt: 40 } },
        { s: { $gte: `k${from}`, $lte: `k${from + 300}` } },
      ];
      for (const filter of filters) {
        expect(await big.find(filter).toArray(), JSON.stringify(filter)).toEqual(
          await bigPlain.find(filter).toArray(),
        );
      }
    }
  });

  it("a dropped index stops being used and a new one covers documents already stored", async () => {
    const coll = client.db("index_queries").collection("lifecycle");
    await coll.insertMany([{ k: 1 }, { k: 2 }, { k: [2, 3] }, { k: "2" }]);
    await coll.createIndex({ k: 1 });
    expect((await coll.find({ k: 2 }, { projection: { _id: 0 } }).toArray()).map((d) => d["k"])).toEqual([
      2,
      [2, 3],
    ]);
    await coll.dropIndex("k_1");
    await coll.insertOne({ k: 2 });
    expect(await coll.countDocuments({ k: { $gte: 2, $lte: 2 } })).toBe(3);
  });
});
