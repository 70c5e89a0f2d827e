// Where the simulated phones keep their chats: a collection of the sandbox's MongoDB, so that a
// customer's conversation is still on the phone after `npm start` restarts (also after kill -9:
// each message is written before the phone shows it). A phone does not fail because the sandbox's
// MongoDB is unreachable for a moment: appending rides that out.
import type { Collection, Db } from "mongodb";
import { retryWhileUnreachable } from "../../shared/db/index.js";
import type { E164 } from "../../worker/gateway/transport.js";

export const PHONE_MESSAGES_COLLECTION = "sandbox_phone_messages";

export interface StoredPhoneMessage {
  /** `${accountId}:${WhatsApp message id}` */
  _id: string;
  accountId: string;
  phone: E164;
  /** The customer's name as last given (kept with the chat's messages). */
  name?: string;
  id: string;
  direction: "in" | "out";
  text: string;
  at: string;
  seq: number;
  dedupeKey?: string;
}

/** What SandboxPhones needs from a store; without one the phones keep chats in memory only. */
export interface PhoneChatStore {
  load(accountId: string): Promise<StoredPhoneMessage[]>;
  append(message: StoredPhoneMessage): Promise<void>;
  clear(accountId: string): Promise<void>;
}

export function mongoPhoneChatStore(db: Db): PhoneChatStore {
  const messages: Collection<StoredPhoneMessage> = db.collection(PHONE_MESSAGES_COLLECTION);
  let indexed: Promise<unknown> | undefined;
  const ready = () => (indexed ??= messages.createIndex({ accountId: 1, seq: 1 }));
  return {
    async load(accountId) {
      await ready();
      return messages.find({ accountId }).sort({ seq: 1 }).toArray();
    },
    async append(message) {
      await retryWhileUnreachable(async () => {
        await ready();
        // The same message id twice is one message on the phone (a redelivery).
        await messages.replaceOne({ _id: message._id }, message, { upsert: true });
      });
    },
    async clear(accountId) {
      await messages.deleteMany({ accountId });
    },
  };
}
