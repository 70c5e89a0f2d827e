// One database per test file, through the real driver: the embedded server, or MONGODB_URI when set.
import type { DbHandle } from "../../../shared/db/connect.js";
import { connectDb } from "../../../shared/db/connect.js";
import type { TestMongo } from "../../support/mongo.js";
import { startTestMongo } from "../../support/mongo.js";

export interface TestDb {
  mongo: TestMongo;
  db: DbHandle;
  stop(): Promise<void>;
}

export async function openTestDb(): Promise<TestDb> {
  const mongo = await startTestMongo();
  const db = await connectDb({ uri: mongo.uri, dbName: mongo.dbName, appName: "db-tests" });
  return {
    mongo,
    db,
    async stop() {
      await db.close();
      await mongo.stop();
    },
  };
}

let phoneCounter = 0;
/** A distinct E.164 number per call within a file. */
export function nextPhone(): string {
  phoneCounter += 1;
  return `+52155500${String(phoneCounter).padStart(4, "0")}`;
}

/** A contact and its conversation with all delivery data collected. */
export async function customerReadyToOrder(db: DbHandle, accountId = "default") {
  const phone = nextPhone();
  const { contact } = await db.contacts.upsertByPhone({ accountId, phone, profileName: "Ana" });
  const { conversation } = await db.conversations.getOrCreate({ accountId, contactId: contact._id, phone });
  await db.conversations.saveCollected(conversation._id, {
    name: "Ana López",
    address: "Av. Juárez 100, Centro",
    city: "Guadalajara",
  });
  return { contact, conversation };
}
