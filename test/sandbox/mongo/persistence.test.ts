// With a data directory, acknowledged writes survive a clean restart and a kill -9.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { MongoClient, MongoServerError } from "mongodb";
import { afterEach, describe, expect, it } from "vitest";
import { startEmbeddedMongo } from "../../../sandbox/mongo/index.js";

const repoRoot = path.resolve(import.meta.dirname, "../../..");
const dirs: string[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "embedded-mongo-"));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function withClient<T>(uri: string, fn: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = new MongoClient(uri);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.close();
  }
}

describe("restart with a data directory", () => {
  it("keeps documents, updates, deletes, dropped collections and unique indexes", async () => {
    const dataDir = tempDir();
    const first = await startEmbeddedMongo({ dataDir, quiet: true });
    await withClient(first.uri, async (client) => {
      const db = client.db("app");
      await db.collection("contacts").createIndex({ phone: 1 }, { unique: true, name: "phone_unique" });
      await db.collection("contacts").insertMany([
        { phone: "+1", name: "a", at: new Date("2026-01-01T00:00:00Z") },
        { phone: "+2", name: "b" },
        { phone: "+3", name: "c" },
      ]);
      await db.collection("contacts").updateOne({ phone: "+1" }, { $set: { name: "A" } });
      await db.collection("contacts").deleteOne({ phone: "+3" });
      await db.collection("scratch").insertOne({ x: 1 });
      await db.collection("scratch").drop();
    });
    await first.stop();

    const second = await startEmbeddedMongo({ dataDir, quiet: true });
    try {
      await withClient(second.uri, async (client) => {
        const db = client.db("app");
        const contacts = await db
          .collection("contacts")
          .find({}, { projection: { _id: 0 } })
          .toArray();
        expect(contacts).toEqual([
          { phone: "+1", name: "A", at: new Date("2026-01-01T00:00:00Z") },
          { phone: "+2", name: "b" },
        ]);
        expect((await db.listCollections().toArray()).map((c) => c.name)).toEqual(["contacts"]);
        const indexes = await db.collection("contacts").listIndexes().toArray();
        expect(indexes.map((i) => [i["name"], i["unique"] ?? false])).toEqual([
          ["_id_", false],
          ["phone_unique", true],
        ]);
        const err = await db
          .collection("contacts")
          .insertOne({ phone: "+2" })
          .catch((e: unknown) => e);
        expect((err as MongoServerError).code).toBe(11000);
      });
    } finally {
      await second.stop();
    }
  });

  it("ignores a torn final journal record left by a crash mid-write and keeps everything before it", async () => {
    const dataDir = tempDir();
    const first = await startEmbeddedMongo({ dataDir, quiet: true });
    await withClient(first.uri, (c) =>
      c
        .db("app")
        .collection("notes")
        .insertMany([{ n: 1 }, { n: 2 }]),
    );
    await first.stop();
    // What a crash during an (unacknowledged) append leaves behind: a length prefix and half a record.
    const torn = Buffer.alloc(40);
    torn.writeInt32LE(500, 0);
    fs.appendFileSync(path.join(dataDir, "journal.bson"), torn);

    const second = await startEmbeddedMongo({ dataDir, quiet: true });
    try {
      await withClient(second.uri, async (c) => {
        const notes = c.db("app").collection("notes");
        expect(await notes.find({}, { projection: { _id: 0 } }).toArray()).toEqual([{ n: 1 }, { n: 2 }]);
        await notes.insertOne({ n: 3 });
      });
    } finally {
      await second.stop();
    }
    const third = await startEmbeddedMongo({ dataDir, quiet: true });
    try {
      const count = await withClient(third.uri, (c) => c.db("app").collection("notes").countDocuments());
      expect(count).toBe(3);
    } finally {
      await third.stop();
    }
  });

  it("refuses a second server on a data directory that is in use", async () => {
    const dataDir = tempDir();
    const server = await startEmbeddedMongo({ dataDir, quiet: true });
    try {
      await expect(startEmbeddedMongo({ dataDir, quiet: true })).rejects.toThrow(/in use/);
    } finally {
      await server.stop();
    }
  });
});

interface Cli {
  child: ChildProcess;
  uri: string;
  exited: Promise<number | null>;
}

/** Starts `sandbox/mongo/cli.ts` as its own process and waits for its "listening" line. */
async function startCli(dataDir: string): Promise<Cli> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "sandbox/mongo/cli.ts", "--port", "0", "--data-dir", dataDir, "--quiet"],
    {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const uri = await new Promise<string>((resolve, reject) => {
    lines.on("line", (line) => {
      const match = /^listening (mongodb:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`cli exited with ${code}: ${stderr}`)));
  });
  return { child, uri, exited };
}

describe("the standalone CLI", () => {
  it("loses no acknowledged write when killed with SIGKILL mid-stream", async () => {
    const dataDir = tempDir();
    const first = await startCli(dataDir);
    const acknowledged = new Set<number>();
    const client = new MongoClient(first.uri, {
      serverSelectionTimeoutMS: 2000,
      retryWrites: false,
      maxPoolSize: 4,
    });
    await client.connect();
    const coll = client.db("app").collection("events");
    const counter = client.db("app").collection("counters");
    let lastCounter = 0;
    let next = 0;
    // Four concurrent writers: inserts plus a counter whose acknowledged value must survive.
    const writer = async (): Promise<void> => {
      for (;;) {
        const seq = next++;
        try {
          await coll.insertOne({ seq, body: `event ${seq}` });
          acknowledged.add(seq);
          const res = await counter.findOneAndUpdate(
            { _id: "c" as never },
            { $inc: { n: 1 } },
            { upsert: true, returnDocument: "after" },
          );
          lastCounter = Math.max(lastCounter, (res?.["n"] as number) ?? 0);
        } catch {
          return; // the server is gone
        }
      }
    };
    const writers = [writer(), writer(), writer(), writer()];
    while (acknowledged.size < 300) await new Promise((r) => setTimeout(r, 10));
    first.child.kill("SIGKILL");
    await first.exited;
    await Promise.all(writers);
    await client.close(true);
    expect(acknowledged.size).toBeGreaterThanOrEqual(300);

    const second = await startCli(dataDir);
    try {
      await withClient(second.uri, async (c) => {
        const present = new Set(
          (await c.db("app").collection("events").find().toArray()).map((d) => d["seq"] as number),
        );
        const lost = [...acknowledged].filter((seq) => !present.has(seq));
        expect(lost).toEqual([]);
        const stored = await c
          .db("app")
          .collection("counters")
          .findOne({ _id: "c" as never });
        expect(stored?.["n"]).toBeGreaterThanOrEqual(lastCounter);
      });
    } finally {
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    }
  });

  it("shuts down cleanly on SIGINT and keeps its data", async () => {
    const dataDir = tempDir();
    const first = await startCli(dataDir);
    await withClient(first.uri, (c) => c.db("app").collection("notes").insertOne({ text: "kept" }));
    first.child.kill("SIGINT");
    expect(await first.exited).toBe(0);
    const second = await startCli(dataDir);
    try {
      const doc = await withClient(second.uri, (c) =>
        c
          .db("app")
          .collection("notes")
          .findOne({}, { projection: { _id: 0 } }),
      );
      expect(doc).toEqual({ text: "kept" });
    } finally {
      second.child.kill("SIGTERM");
      await second.exited;
    }
  });
});
