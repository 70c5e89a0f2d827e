// A customer who writes '{"$gt": ""}' is just text: input is validated at the repository boundary,
// strings are stored literally, and objects never reach a filter where a value is expected.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidInputError } from "../../../shared/db/index.js";
import type { Actor } from "../../../shared/domain/actor.js";
import type { TestDb } from "./harness.js";
import { customerReadyToOrder, nextPhone, openTestDb } from "./harness.js";

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => {
  await t?.stop();
});

const admin: Actor = { kind: "slack_user", id: "U0ADMIN01" };
const OPERATOR_TEXT = '{"$gt": ""}';

describe("operator-looking text from customers", () => {
  it('stores a message of {"$gt": ""} exactly as written', async () => {
    const { contact, conversation } = await customerReadyToOrder(t.db);
    const result = await t.db.messages.recordInbound({
      accountId: "default",
      conversationId: conversation._id,
      contactId: contact._id,
      waMessageId: OPERATOR_TEXT,
      text: OPERATOR_TEXT,
    });
    expect(result.status).toBe("new");
    const [stored] = await t.db.messages.listUnprocessedInbound(conversation._id);
    expect(stored?.text).toBe(OPERATOR_TEXT);
    expect(stored?.waMessageId).toBe(OPERATOR_TEXT);
    // The same text again is a duplicate of that one message, not a match-everything query.
    const again = await t.db.messages.recordInbound({
      accountId: "default",
      conversationId: conversation._id,
      contactId: contact._id,
      waMessageId: OPERATOR_TEXT,
      text: "other",
    });
    expect(again).toMatchObject({ status: "duplicate", message: { _id: result.message._id } });
  });

  it("stores operator-looking customer data as plain strings", async () => {
    const { conversation } = await customerReadyToOrder(t.db);
    const saved = await t.db.conversations.saveCollected(conversation._id, {
      city: OPERATOR_TEXT,
      address: "$where: 1",
    });
    expect(saved.conversation?.collected).toMatchObject({ city: OPERATOR_TEXT, address: "$where: 1" });
  });

  it("refuses objects where a value is expected instead of running them as a query", async () => {
    await t.db.contacts.upsertByPhone({ accountId: "default", phone: nextPhone() });
    const operator = { $gt: "" } as unknown as string;
    await expect(t.db.contacts.findByPhone("default", operator)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(t.db.orders.getById(operator)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(t.db.orders.decide(operator, "approved", admin)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(t.db.automations.setEnabled(operator, true, admin)).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(t.db.conversations.getById(operator)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(
      t.db.messages.recordInbound({
        accountId: "default",
        conversationId: "cv_x",
        contactId: "ct_x",
        waMessageId: { $ne: null } as unknown as string,
        text: "hola",
      }),
    ).rejects.toBeInstanceOf(InvalidInputError);
  });

  it("drops operator objects and unknown keys in collected data instead of writing them", async () => {
    const { conversation } = await customerReadyToOrder(t.db);
    const saved = await t.db.conversations.saveCollected(conversation._id, {
      name: { $set: { mode: "closed" } },
      "collected.city": "x",
      $rename: { mode: "m" },
    });
    expect(saved.accepted).toEqual([]);
    expect(saved.rejected.map((r) => r.field).sort()).toEqual(["$rename", "collected.city", "name"]);
    const reread = await t.db.conversations.getById(conversation._id);
    expect(reread?.mode).toBe("greeting");
    expect(reread?.collected.name).toBe("Ana López");
  });

  it("refuses audit details whose keys could become update paths", async () => {
    await expect(
      t.db.audit.record({
        actor: admin,
        action: "order.approved",
        subject: { type: "order", id: "ORD-1" },
        details: { $set: "x" },
      }),
    ).rejects.toBeInstanceOf(InvalidInputError);
    await expect(
      t.db.audit.record({
        actor: admin,
        action: "order.approved",
        subject: { type: "order", id: "ORD-1" },
        details: { "a.b": "x" },
      }),
    ).rejects.toBeInstanceOf(InvalidInputError);
  });

  it("rejects a decision reason that is not text", async () => {
    const { conversation } = await customerReadyToOrder(t.db);
    const created = await t.db.orders.createFromConversation({
      conversationId: conversation._id,
      lines: [{ sku: "OMEGA3-120", pack: "1x", qty: 1 }],
      source: "agent",
    });
    if (created.status !== "created") throw new Error("setup");
    await expect(
      t.db.orders.decide(created.order._id, "rejected", admin, {
        $set: { status: "approved" },
      } as unknown as string),
    ).rejects.toBeInstanceOf(InvalidInputError);
    expect((await t.db.orders.getById(created.order._id))?.status).toBe("pending_approval");
    const literal = await t.db.orders.decide(created.order._id, "rejected", admin, OPERATOR_TEXT);
    expect(literal.outcome === "decided" && literal.order.reason).toBe(OPERATOR_TEXT);
  });
});
