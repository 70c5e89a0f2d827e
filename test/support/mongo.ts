// One MongoDB per test file: the real server named by MONGODB_URI (with a fresh database that is
// dropped afterwards), or else an in-memory embedded server on a random port.
import { randomBytes } from "node:crypto";
import { MongoClient } from "mongodb";
import { startEmbeddedMongo } from "../../sandbox/mongo/index.js";

export interface TestMongo {
  uri: string;
  dbName: string;
  client: MongoClient;
  stop(): Promise<void>;
}

function uniqueDbName(): string {
  return `test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
}

export async function startTestMongo(): Promise<TestMongo> {
  const dbName = uniqueDbName();
  const realUri = process.env["MONGODB_URI"];
  if (realUri) {
    const client = new MongoClient(realUri);
    await client.connect();
    return {
      uri: realUri,
      dbName,
      client,
      async stop() {
        try {
          await client.db(dbName).dropDatabase();
        } finally {
          await client.close();
        }
      },
    };
  }
  const server = await startEmbeddedMongo({ port: 0, quiet: true });
  const client = new MongoClient(server.uri);
  await client.connect();
  return {
    uri: server.uri,
    dbName,
    client,
    async stop() {
      try {
        await client.close();
      } finally {
        await server.stop();
      }
    },
  };
}
