// Connects the real MongoDB driver and returns the repositories. The URI is the composition root's
// choice (a real MONGODB_URI, or the embedded sandbox server it started): shared/ never imports sandbox/.
import type { Db } from "mongodb";
import { MongoClient } from "mongodb";
import { z } from "zod";
import { defaultAutomationSeed } from "./automations.js";
import { ensureIndexes } from "./indexes.js";
import type { Repositories, RepositoryOptions } from "./repositories.js";
import { createRepositories } from "./repositories.js";

const optionsSchema = z.object({
  uri: z.string().regex(/^mongodb(\+srv)?:\/\//, "a mongodb:// or mongodb+srv:// URI"),
  dbName: z.string().regex(/^[^/\\. "$*<>:|?]{1,63}$/, "a MongoDB database name"),
  appName: z.string().min(1).max(128).optional(),
  /** Give up connecting after this long (the server is down or the URI is wrong). */
  serverSelectionTimeoutMS: z.number().int().positive().optional(),
  /** Seed the catalog from catalog-seed.json when it is empty (default true). */
  seedCatalog: z.boolean().optional(),
  /** Create the seed automations that are missing (worker and sandbox start; default false). */
  seedAutomations: z.boolean().optional(),
  executionRetentionDays: z.number().int().positive().optional(),
});
export type ConnectDbOptions = z.input<typeof optionsSchema> &
  RepositoryOptions & {
    /** Driver command monitoring (benchmarks count commands): called as each command starts. */
    onCommand?: (commandName: string, collection: string) => void;
  };

export type DbHandle = Repositories & {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
};

export async function connectDb(options: ConnectDbOptions): Promise<DbHandle> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    // Never echo the URI: it may carry credentials.
    throw new Error(
      `connectDb: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  const {
    uri,
    dbName,
    appName,
    serverSelectionTimeoutMS,
    seedCatalog = true,
    seedAutomations = false,
    executionRetentionDays,
  } = parsed.data;
  const client = new MongoClient(uri, {
    ...(appName ? { appName } : {}),
    serverSelectionTimeoutMS: serverSelectionTimeoutMS ?? 10_000,
    // Optional fields left undefined are omitted, not stored as null.
    ignoreUndefined: true,
    ...(options.onCommand ? { monitorCommands: true } : {}),
  });
  const onCommand = options.onCommand;
  if (onCommand) {
    client.on("commandStarted", (event) =>
      onCommand(event.commandName, String(event.command[event.commandName] ?? "")),
    );
  }
  await client.connect();
  try {
    const db = client.db(dbName);
    await ensureIndexes(db);
    const repos = createRepositories(
      db,
      executionRetentionDays === undefined ? {} : { executionRetentionDays },
    );
    if (seedCatalog) await repos.catalog.seedCatalog();
    if (seedAutomations) {
      await repos.automations.seedAutomations(defaultAutomationSeed(), { kind: "system", id: "seed" });
    }
    return { ...repos, client, db, close: () => client.close() };
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
}
