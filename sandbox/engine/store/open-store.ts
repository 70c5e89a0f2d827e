import { startEmbeddedMongo } from "../../mongo/index.js";
import { MemoryStore } from "./memory-store.js";
import { MongoStore } from "./mongo-store.js";
import type { EngineStore } from "./store.js";

// Picks where the engine keeps its state: a MongoDB URI, else the sandbox's embedded server
// persisting under the data dir, or (tests) plain memory.
export interface OpenStoreOptions {
  mongoUri?: string;
  mongoDbName?: string;
  dataDir?: string;
  memory: boolean;
  quiet: boolean;
}

export async function openStore(
  opts: OpenStoreOptions,
): Promise<{ store: EngineStore; close(): Promise<void> }> {
  if (opts.memory) return { store: new MemoryStore(), close: async () => {} };
  if (opts.mongoUri) {
    const store = await MongoStore.connect(opts.mongoUri, opts.mongoDbName);
    return { store, close: () => store.close() };
  }
  const mongo = await startEmbeddedMongo({ dataDir: opts.dataDir ?? ".data/engine", quiet: opts.quiet });
  const store = await MongoStore.connect(mongo.uri, opts.mongoDbName);
  return {
    store,
    async close() {
      await store.close();
      await mongo.stop();
    },
  };
}
