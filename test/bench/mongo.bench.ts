// Benchmark of the embedded MongoDB-compatible server through the real driver (report only):
//   npx tsx test/bench/mongo.bench.ts [--docs 20000]
// - commands/s (each line runs for at most about 5 s) for find-by-indexed-field (equality, range, $in) and by _id on a collection of N docs,
//   and for an updateOne by indexed field
// - acknowledged inserts/s with a data directory (journal fdatasync'd before each reply), from 1 and
//   from 50 concurrent writers
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { MongoClient } from "mongodb";
import { startEmbeddedMongo } from "../../sandbox/mongo/index.js";

const docsArg = process.argv.indexOf("--docs");
const total = docsArg > 0 ? Number(process.argv[docsArg + 1]) : 20_000;

/** Runs `op` up to `ops` times (at most about 5 s) and prints the rate. */
async function rate(label: string, ops: number, concurrency: number, op: (i: number) => Promise<unknown>) {
  let next = 0;
  let done = 0;
  const t = performance.now();
  const until = t + 5000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ops && performance.now() < until) {
        await op(next++);
        done++;
      }
    }),
  );
  const perSecond = done / ((performance.now() - t) / 1000);
  console.log(`${label.padEnd(58)} ${perSecond.toFixed(0).padStart(7)} commands/s`);
}

async function queries(): Promise<void> {
  const mongo = await startEmbeddedMongo({ quiet: true });
  const client = new MongoClient(mongo.uri, { maxPoolSize: 10 });
  await client.connect();
  const coll = client.db("bench").collection("conversations");
  await coll.createIndex({ phone: 1 });
  await coll.createIndex({ updatedAt: 1 });
  await coll.createIndex({ status: 1, updatedAt: -1 });
  for (let i = 0; i < total; i += 1000) {
    await coll.insertMany(
      Array.from({ length: 1000 }, (_, j) => ({
        _id: `c${i + j}` as never,
        phone: `+52155${String(i + j).padStart(6, "0")}`,
        status: ["open", "closed", "waiting"][(i + j) % 3],
        updatedAt: new Date(1_700_000_000_000 + (i + j) * 1000),
        turns: (i + j) % 17,
      })),
    );
  }
  console.log(`embedded mongo, ${total} documents, node ${process.version}`);
  const phone = (i: number) => `+52155${String((i * 7919) % total).padStart(6, "0")}`;
  const n = 2000;
  await rate("find {phone} (indexed equality), 1 client", n, 1, (i) => coll.findOne({ phone: phone(i) }));
  await rate("find {phone} (indexed equality), 10 concurrent", n, 10, (i) =>
    coll.findOne({ phone: phone(i) }),
  );
  await rate("find {_id}, 1 client", n, 1, (i) => coll.findOne({ _id: `c${(i * 7919) % total}` as never }));
  await rate("find {phone: {$in: [3 values]}}, 1 client", n, 1, (i) =>
    coll.find({ phone: { $in: [phone(i), phone(i + 1), phone(i + 2)] } }).toArray(),
  );
  await rate("find {updatedAt: {$gte, $lt}} (10 docs, sorted), 1 client", n, 1, (i) => {
    const from = 1_700_000_000_000 + ((i * 7919) % total) * 1000;
    return coll
      .find({ updatedAt: { $gte: new Date(from), $lt: new Date(from + 10_000) } })
      .sort({ updatedAt: -1 })
      .toArray();
  });
  await rate("countDocuments {phone}, 1 client", n, 1, (i) => coll.countDocuments({ phone: phone(i) }));
  await rate("updateOne {phone} $inc, 1 client", n, 1, (i) =>
    coll.updateOne({ phone: phone(i) }, { $inc: { turns: 1 } }),
  );
  await rate("find {turns} (not indexed: full scan), 1 client", 200, 1, (i) =>
    coll.findOne({ turns: 100 + i }),
  );
  await client.close();
  await mongo.stop();
}

async function journaledWrites(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mongo-bench-"));
  const mongo = await startEmbeddedMongo({ quiet: true, dataDir });
  const client = new MongoClient(mongo.uri, { maxPoolSize: 50 });
  await client.connect();
  const coll = client.db("bench").collection("messages");
  await rate("insertOne with a data directory, 1 writer", 1000, 1, (i) => coll.insertOne({ i }));
  await rate("insertOne with a data directory, 50 concurrent writers", 5000, 50, (i) =>
    coll.insertOne({ i }),
  );
  await client.close();
  await mongo.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  await queries();
  await journaledWrites();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
