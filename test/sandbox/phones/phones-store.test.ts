// The simulated phones keep their chats in the sandbox's MongoDB: a new instance (npm start after a
// restart) shows each customer's whole conversation, names included, and still knows which phone
// wrote which message id.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "mongodb";
import {
  mongoPhoneChatStore,
  RefusedCustomerMessageError,
  SandboxPhones,
} from "../../../sandbox/phones/index.js";
import { startTestMongo, type TestMongo } from "../../support/mongo.js";

let mongo: TestMongo;
let db: Db;
beforeAll(async () => {
  mongo = await startTestMongo();
  db = mongo.client.db(mongo.dbName);
});
afterAll(async () => mongo?.stop());

async function phonesOn(accountId: string): Promise<SandboxPhones> {
  const phones = new SandboxPhones({ accountId, store: mongoPhoneChatStore(db) });
  await phones.restore();
  await phones.start();
  return phones;
}

describe("simulated phones with a chat store", () => {
  it("show the same chats after a restart, in order, with the customer's name", async () => {
    const first = await phonesOn("acct-store-1");
    await first.receive({ from: "+5215550001", text: "hola", name: "Ana", id: "m-1" });
    await first.send("+5215550001", "¡Hola Ana!", "k1");
    await first.receive({ from: "+5215550002", text: "buenas" });
    await first.send("+5215550001", "¿Qué te interesa?", "k2");

    const second = await phonesOn("acct-store-1");
    expect(second.chat("+5215550001")).toEqual(first.chat("+5215550001"));
    expect(second.chat("+5215550001").name).toBe("Ana");
    expect(second.chats()).toEqual(first.chats());
    expect(second.outbound("+5215550001").map((m) => m.dedupeKey)).toEqual(["k1", "k2"]);

    // A message id stays with its phone; a redelivery is still one message on the phone.
    await expect(second.receive({ from: "+5215550002", text: "x", id: "m-1" })).rejects.toThrow(
      RefusedCustomerMessageError,
    );
    await second.receive({ from: "+5215550001", text: "hola", id: "m-1" });
    expect(second.chat("+5215550001").messages.filter((m) => m.id === "m-1")).toHaveLength(1);
    // New messages come after the restored ones.
    await second.send("+5215550001", "Aquí sigo", "k3");
    expect(second.chat("+5215550001").messages.at(-1)?.text).toBe("Aquí sigo");
    expect((await phonesOn("acct-store-1")).chat("+5215550001").messages.at(-1)?.text).toBe("Aquí sigo");
  });

  it("keep each WhatsApp account's chats apart, and clear forgets them for good", async () => {
    const a = await phonesOn("acct-store-a");
    await a.receive({ from: "+5215550003", text: "hola" });
    const b = await phonesOn("acct-store-b");
    expect(b.chats()).toEqual([]);
    let changes = 0;
    a.onChange(() => changes++);
    await a.clear();
    expect(changes).toBe(1);
    expect((await phonesOn("acct-store-a")).chats()).toEqual([]);
  });
});
