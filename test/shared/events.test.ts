import { describe, expect, it } from "vitest";
import {
  automationTriggers,
  catalogue,
  eventsByName,
  inboundMessageEventId,
  orderDecided,
  orderDecidedEventId,
  whatsappMessageReceived,
} from "../../shared/events.js";
import { hasPath } from "../support/inngest-catalogue-check.js";

/** Events that are about an account or an automation as a whole, not one conversation. */
const NOT_CONVERSATION_SCOPED = new Set([
  "whatsapp/session.status-changed",
  "automation/execution.finished",
  "automation/definition.toggled",
  // About one automation run; the conversation, when the trigger had one, is optional.
  "automation/run.requested",
  "automation/slack.notify-requested",
  "automation/task.create-requested",
]);

function requiredKeys(schema: unknown): string[] {
  const shape = (schema as { shape: Record<string, { safeParse(v: unknown): { success: boolean } }> }).shape;
  return Object.entries(shape)
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([key]) => key);
}

describe("event catalogue", () => {
  it("declares each event once, named {source}/{entity}.{action}", () => {
    const names = catalogue.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    // order/created and order/decided are the architecture's names: the order domain is source and entity.
    for (const name of names.filter((n) => !["order/created", "order/decided"].includes(n))) {
      expect(name).toMatch(/^[a-z]+\/[a-z][a-z-]*\.[a-z][a-z-]*$/);
    }
    expect(eventsByName.size).toBe(names.length);
  });

  it("conversation events carry conversationId and accountId; order events carry orderId", () => {
    for (const event of catalogue) {
      const keys = requiredKeys(event.schema);
      if (!NOT_CONVERSATION_SCOPED.has(event.name)) {
        expect(keys, event.name).toContain("conversationId");
        expect(keys, event.name).toContain("accountId");
      }
      if (event.name.startsWith("order/") || event.name.includes("/order."))
        expect(keys, event.name).toContain("orderId");
    }
  });

  it("automation triggers all carry the account, conversation and contact", () => {
    for (const event of automationTriggers) {
      for (const key of ["accountId", "conversationId", "contactId"])
        expect(hasPath(event.schema, [key]), `${event.name} ${key}`).toBe(true);
    }
  });

  it("validates data at the edge: a bad inbound message is refused before it is sent", async () => {
    const good = {
      accountId: "default",
      conversationId: "c1",
      contactId: "k1",
      messageId: "m1",
      phone: "+5215550001",
      text: '{"$gt": ""}',
      type: "text",
      receivedAt: "2026-11-21T10:00:00.000Z",
    } as const;
    await expect(whatsappMessageReceived.create(good).validate()).resolves.toBeUndefined();
    const bad = { ...good, phone: "5215550001", type: "fax" } as unknown as typeof good;
    await expect(whatsappMessageReceived.create(bad).validate()).rejects.toThrow(/phone|type/);
    const decided = {
      orderId: "o1",
      accountId: "default",
      conversationId: "c1",
      contactId: "k1",
      decision: "maybe",
      by: "U1",
      decidedAt: "x",
    };
    await expect(orderDecided.create(decided as never).validate()).rejects.toThrow();
  });

  it("derives event ids from source ids (idempotency)", () => {
    expect(inboundMessageEventId("default", "ABC")).toBe("wa:default:ABC");
    expect(orderDecidedEventId("o1")).toBe("order:o1:decided");
  });
});
