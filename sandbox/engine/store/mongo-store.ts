import type { Collection, Db } from "mongodb";
import { MongoClient } from "mongodb";
import type { RegisteredApp } from "../registration.js";
import { TERMINAL } from "../types.js";
import type { EngineEvent, Run } from "../types.js";
import { ReplaceBatcher } from "./replace-batcher.js";
import { rideOut } from "./ride-out.js";
import { restoreRun, slimRun } from "./stored-run.js";
import type { EngineStore, KeyQuery, RunQuery } from "./store.js";

// MongoDB persistence with the real driver. Payloads are stored as JSON text next to a few indexed
// fields: event data may hold keys Mongo dislikes ("$x", "a.b"), and JSON keeps numbers exactly as
// the SDK sent them. Only simple operations (replace upsert, bulk write, find, count) are used.
// Runs and events saved while another save is in flight go together in one bulk write. Every
// operation rides out a short outage of the server (ride-out.ts).
interface RunDoc {
  _id: string;
  functionId: string;
  status: string;
  active: boolean;
  createdAt: number;
  idempotencyKey: string | null;
  rateLimitKey: string | null;
  json: string;
}
interface EventDoc {
  _id: string;
  name: string;
  receivedAt: number;
  json: string;
}
interface JsonDoc {
  _id: string;
  json: string;
}

export class MongoStore implements EngineStore {
  private readonly runWrites: ReplaceBatcher<RunDoc>;
  private readonly eventWrites: ReplaceBatcher<EventDoc>;

  private constructor(
    private client: MongoClient,
    private runs: Collection<RunDoc>,
    private events: Collection<EventDoc>,
    private apps: Collection<JsonDoc>,
    private meta: Collection<JsonDoc>,
    private ownsClient: boolean,
  ) {
    this.runWrites = new ReplaceBatcher(runs);
    this.eventWrites = new ReplaceBatcher(events);
  }

  static async connect(uri: string, dbName = "inngest_local_engine"): Promise<MongoStore> {
    // Named, so the server's logs (and fail points in tests) can tell the engine's connections apart.
    const client = new MongoClient(uri, { appName: "local-inngest-engine" });
    await client.connect();
    return MongoStore.fromDb(client, client.db(dbName), true);
  }

  static async fromDb(client: MongoClient, db: Db, ownsClient = false): Promise<MongoStore> {
    const store = new MongoStore(
      client,
      db.collection<RunDoc>("engine_runs"),
      db.collection<EventDoc>("engine_events"),
      db.collection<JsonDoc>("engine_apps"),
      db.collection<JsonDoc>("engine_meta"),
      ownsClient,
    );
    await store.ensureIndexes();
    return store;
  }

  private async ensureIndexes(): Promise<void> {
    try {
      await this.runs.createIndex({ functionId: 1, createdAt: 1 });
      await this.runs.createIndex({ active: 1 });
      await this.events.createIndex({ receivedAt: 1 });
    } catch {
      // indexes only speed queries up; an embedded server without them still answers correctly
    }
  }

  async saveRun(run: Run): Promise<void> {
    const doc: RunDoc = {
      _id: run.id,
      functionId: run.functionId,
      status: run.status,
      active: !TERMINAL.has(run.status),
      createdAt: run.createdAt,
      idempotencyKey: run.keys.idempotency ?? null,
      rateLimitKey: run.keys.rateLimit ?? null,
      json: JSON.stringify(slimRun(run)),
    };
    await this.runWrites.save(doc);
  }

  async getRun(id: string): Promise<Run | undefined> {
    const doc = await rideOut(() => this.runs.findOne({ _id: id }));
    return doc ? parseRun(doc.json) : undefined;
  }

  async listRuns(q: RunQuery): Promise<Run[]> {
    const filter: Record<string, unknown> = {};
    if (q.functionId) filter["functionId"] = q.functionId;
    if (q.status) filter["status"] = q.status;
    if (q.activeOnly) filter["active"] = true;
    const limit = q.limit;
    if (limit) {
      // the most recent N, listed oldest first like the unlimited answer
      const recent = await rideOut(() =>
        this.runs.find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit).toArray(),
      );
      return recent.reverse().map((d) => parseRun(d.json));
    }
    const docs = await rideOut(() => this.runs.find(filter).sort({ createdAt: 1, _id: 1 }).toArray());
    return docs.map((d) => parseRun(d.json));
  }

  async countRunsByKey(q: KeyQuery): Promise<number> {
    const field = q.key === "idempotency" ? "idempotencyKey" : "rateLimitKey";
    return rideOut(() =>
      this.runs.countDocuments({
        functionId: q.functionId,
        [field]: q.value,
        createdAt: { $gte: q.sinceMs },
      }),
    );
  }

  async seenEvents(ids: string[], sinceMs: number): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const seen = await rideOut(() =>
      this.events
        .find({ _id: { $in: ids }, receivedAt: { $gte: sinceMs } }, { projection: { _id: 1 } })
        .toArray(),
    );
    return new Set(seen.map((d) => d._id));
  }

  async recordEvent(event: EngineEvent, receivedAt: number): Promise<void> {
    // replace-upsert rather than insert: an id last seen before the 24h window may still be in the
    // log (pruning runs now and then), and then this event takes its place.
    const doc: EventDoc = { _id: event.id, name: event.name, receivedAt, json: JSON.stringify(event) };
    await this.eventWrites.save(doc);
  }

  async pruneEvents(beforeMs: number): Promise<number> {
    const result = await rideOut(() => this.events.deleteMany({ receivedAt: { $lt: beforeMs } }));
    return result.deletedCount;
  }

  async saveApp(app: RegisteredApp): Promise<void> {
    await rideOut(() =>
      this.apps.replaceOne({ _id: app.id }, { json: JSON.stringify(app) }, { upsert: true }),
    );
  }

  async listApps(): Promise<RegisteredApp[]> {
    const docs = await rideOut(() => this.apps.find({}).toArray());
    return docs.map((d) => JSON.parse(d.json) as RegisteredApp);
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    const doc = await rideOut(() => this.meta.findOne({ _id: key }));
    return doc ? (JSON.parse(doc.json) as T) : undefined;
  }

  async setMeta(key: string, value: unknown): Promise<void> {
    await rideOut(() =>
      this.meta.replaceOne({ _id: key }, { json: JSON.stringify(value) }, { upsert: true }),
    );
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.close();
  }
}

function parseRun(json: string): Run {
  return restoreRun(JSON.parse(json) as Parameters<typeof restoreRun>[0]);
}
