import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

const maria: Actor = { kind: "slack_user", id: "U0MARIA01", name: "María" };
const jorge: Actor = { kind: "slack_user", id: "U0JORGE01", name: "Jorge" };

async function pendingOrder() {
  const { conversation } = await customerReadyToOrder(t.db);
  const created = await t.db.orders.createFromConversation({
    conversationId: conversation._id,
    lines: [{ sku: "COLAGENO-500", pack: "2x", qty: 1 }],
    source: "agent",
  });
  if (created.status !== "created") throw new Error(`expected created, got ${created.status}`);
  return created.order;
}

describe("creating orders", () => {
  it("prices the order from the catalog and snapshots the customer's delivery data", async () => {
    const { conversation } = await customerReadyToOrder(t.db);
    const result = await t.db.orders.createFromConversation({
      conversationId: conversation._id,
      lines: [
        { sku: "COLAGENO-500", pack: "2x", qty: 1 },
        { sku: "OMEGA3-120", pack: "1x", qty: 2 },
      ],
      source: "agent",
    });
    expect(result.status).toBe("created");
    if (result.status !== "created") return;
    expect(result.order._id).toMatch(/^ORD-[0-9A-Z]{8}$/);
    expect(result.order).toMatchObject({
      status: "pending_approval",
      currency: "MXN",
      totalMinor: 89900 + 2 * 39900,
      customer: { name: "Ana López", city: "Guadalajara", phone: conversation.phone },
    });
    expect(result.order.lines.map((l) => [l.sku, l.unitPriceMinor, l.lineTotalMinor])).toEqual([
      ["COLAGENO-500", 89900, 89900],
      ["OMEGA3-120", 39900, 79800],
    ]);
  });

  it("is idempotent per conversation: concurrent creates give one order", async () => {
    const { conversation } = await customerReadyToOrder(t.db);
    const input = {
      conversationId: conversation._id,
      lines: [{ sku: "OMEGA3-120", pack: "1x", qty: 1 }],
      source: "promos-timeout" as const,
    };
    const results = await Promise.all(
      Array.from({ length: 4 }, () => t.db.orders.createFromConversation(input)),
    );
    expect(results.filter((r) => r.status === "created")).toHaveLength(1);
    const ids = new Set(results.map((r) => ("order" in r ? r.order._id : null)));
    expect(ids.size).toBe(1);
    expect(await t.db.orders.listByConversation(conversation._id)).toHaveLength(1);
  });

  it("is backed by the database: a second open order for a conversation is refused, decided ones are not", async () => {
    const order = await pendingOrder();
    const raw = t.mongo.client.db(t.mongo.dbName).collection("orders");
    const copy = { ...order, _id: "ORD-COPY0001" };
    await expect(raw.insertOne(copy as never)).rejects.toMatchObject({ code: 11000 });
    await raw.insertOne({ ...copy, status: "approved" } as never);
    await raw.insertOne({ ...copy, _id: "ORD-COPY0002", status: "rejected" } as never);
  });

  it("allows a new order once the previous one is decided", async () => {
    const first = await pendingOrder();
    await t.db.orders.decide(first._id, "approved", maria);
    const again = await t.db.orders.createFromConversation({
      conversationId: first.conversationId,
      lines: [{ sku: "OMEGA3-120", pack: "3x", qty: 1 }],
      source: "agent",
    });
    expect(again.status).toBe("created");
  });

  it("uses the conversation's order draft when no lines are given", async () => {
    const { conversation } = await customerReadyToOrder(t.db);
    await t.db.conversations.setOrderDraft(conversation._id, [{ sku: "MAGNESIO-ZINC", pack: "3x", qty: 1 }]);
    const result = await t.db.orders.createFromConversation({
      conversationId: conversation._id,
      source: "agent",
    });
    expect(result.status === "created" && result.order.totalMinor).toBe(84900);
  });

  it("refuses an order with missing delivery data, unknown products or no items", async () => {
    const phone = nextPhone();
    const { contact } = await t.db.contacts.upsertByPhone({ accountId: "default", phone });
    const { conversation } = await t.db.conversations.getOrCreate({
      accountId: "default",
      contactId: contact._id,
      phone,
    });
    const lines = [{ sku: "OMEGA3-120", pack: "1x", qty: 1 }];
    expect(
      await t.db.orders.createFromConversation({ conversationId: conversation._id, lines, source: "agent" }),
    ).toEqual({
      status: "rejected",
      reason: "customer_incomplete",
      missing: ["name", "address", "city"],
    });
    const ready = await customerReadyToOrder(t.db);
    expect(
      await t.db.orders.createFromConversation({
        conversationId: ready.conversation._id,
        lines: [{ sku: "GHOST-1", pack: "1x", qty: 1 }],
        source: "agent",
      }),
    ).toEqual({ status: "rejected", reason: "pricing", problem: { code: "unknown_sku", sku: "GHOST-1" } });
    expect(
      await t.db.orders.createFromConversation({ conversationId: ready.conversation._id, source: "agent" }),
    ).toEqual({
      status: "rejected",
      reason: "no_items",
    });
  });
});

describe("deciding orders", () => {
  it("lets exactly one of two concurrent decisions win; the loser learns who decided and when", async () => {
    const order = await pendingOrder();
    const [a, b] = await Promise.all([
      t.db.orders.decide(order._id, "approved", maria),
      t.db.orders.decide(order._id, "rejected", jorge, "sin stock"),
    ]);
    const results = [a, b];
    const winner = results.find((r) => r.outcome === "decided");
    const loser = results.find((r) => r.outcome === "already_decided");
    expect(winner).toBeDefined();
    expect(loser).toBeDefined();
    if (winner?.outcome !== "decided" || loser?.outcome !== "already_decided") return;
    expect(loser.status).toBe(winner.order.status);
    expect(loser.decidedBy).toEqual(winner.order.decidedBy);
    expect(loser.decidedAt).toEqual(winner.order.decidedAt);
    const stored = await t.db.orders.getById(order._id);
    expect(stored?.status).toBe(winner.order.status);
    expect(stored?.decidedBy).toEqual(winner.order.decidedBy);
  });

  it("records who rejected and why", async () => {
    const order = await pendingOrder();
    const result = await t.db.orders.decide(order._id, "rejected", jorge, "  dirección fuera de zona  ");
    expect(result.outcome === "decided" && result.order).toMatchObject({
      status: "rejected",
      decidedBy: jorge,
      reason: "dirección fuera de zona",
    });
  });

  it("does not let a click after the approval timeout change the order", async () => {
    const order = await pendingOrder();
    const timeout: Actor = { kind: "system", id: "approval-timeout" };
    expect((await t.db.orders.decide(order._id, "expired", timeout)).outcome).toBe("decided");
    const late = await t.db.orders.decide(order._id, "approved", maria);
    expect(late).toMatchObject({ outcome: "already_decided", status: "expired", decidedBy: timeout });
  });

  it("reports an unknown order instead of throwing", async () => {
    expect(await t.db.orders.decide("ORD-ZZZZZZZZ", "approved", maria)).toEqual({ outcome: "not_found" });
  });

  it("attaches the Slack approval message once and counts reminders only while pending", async () => {
    const order = await pendingOrder();
    expect(
      (await t.db.orders.attachSlackMessage(order._id, { channel: "C0APPROVALS", ts: "1732230000.000100" }))
        .attached,
    ).toBe(true);
    const second = await t.db.orders.attachSlackMessage(order._id, {
      channel: "C0APPROVALS",
      ts: "1732230099.000200",
    });
    expect(second.attached).toBe(false);
    expect(second.order?.slack).toMatchObject({ ts: "1732230000.000100" });
    expect(await t.db.orders.recordReminder(order._id)).toEqual({ ok: true, reminders: 1 });
    await t.db.orders.decide(order._id, "approved", maria);
    expect(await t.db.orders.recordReminder(order._id)).toEqual({ ok: false, reminders: 1 });
  });

  it("lists pending orders oldest first for timeout sweeps", async () => {
    const order = await pendingOrder();
    const pending = await t.db.orders.listPending(new Date(Date.now() + 60_000));
    expect(pending.map((o) => o._id)).toContain(order._id);
    expect(pending.every((o) => o.status === "pending_approval")).toBe(true);
  });
});
