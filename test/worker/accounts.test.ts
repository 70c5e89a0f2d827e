// Two WhatsApp accounts, two worker apps, ONE local engine: each worker takes only its account's
// events, so neither answers the other's customers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventually,
  finishedRuns,
  listRuns,
  nextPhone,
  startHarness,
  type Harness,
  type TestWorker,
} from "./support/worker-harness.js";

let h: Harness;
let a: TestWorker;
let b: TestWorker;

beforeAll(async () => {
  h = await startHarness();
  a = await h.startWorker("a");
  b = await h.startWorker("b");
});
afterAll(async () => {
  await h.stop();
});

describe("two accounts on one engine", () => {
  it("register as two apps whose ids carry the account", () => {
    expect(a.proactiveFunctionId).toBe("salesbot-worker-a-send-proactive-message");
    expect(b.proactiveFunctionId).toBe("salesbot-worker-b-send-proactive-message");
  });

  it("a send requested for account a is delivered by worker a only", async () => {
    const phone = nextPhone();
    // The same customer writes to both numbers: two contacts, two conversations.
    await a.phones.receive({ from: phone, text: "hola A" });
    await b.phones.receive({ from: phone, text: "hola B" });
    const convA = await h.db.conversations.findByPhone("a", phone);
    const convB = await h.db.conversations.findByPhone("b", phone);
    expect(convA?._id).toBeDefined();
    expect(convB?._id).not.toBe(convA?._id);

    await h.sendEvents([
      {
        name: "whatsapp/message.send-requested",
        data: {
          accountId: "a",
          conversationId: convA!._id,
          to: phone,
          text: "Tu pedido fue aprobado",
          dedupeKey: "order-approved:ORD-A",
          reason: "order-approved",
        },
      },
    ]);
    await finishedRuns(h.engine, a.proactiveFunctionId, 1);
    await a.phones.waitForOutbound(phone, (m) => m.text === "Tu pedido fue aprobado");
    await h.engine.settle();
    expect(await listRuns(h.engine.url, b.proactiveFunctionId)).toEqual([]);
    expect(b.phones.outbound(phone)).toEqual([]);
    expect(a.phones.outbound(phone)).toHaveLength(1);
  });

  it("inbound messages carry their account in the event id and data", async () => {
    const phone = nextPhone();
    await b.phones.receive({ from: phone, text: "¿tienen envío?", id: "wamid.SAME-ID" });
    await a.phones.receive({ from: phone, text: "¿tienen envío?", id: "wamid.SAME-ID" });
    const events = await eventually(() => {
      const found = h.observed.filter((e) => e.data["messageId"] === "wamid.SAME-ID");
      return found.length === 2 ? found : undefined;
    });
    expect(events.map((e) => [e.id, e.data["accountId"]]).sort()).toEqual([
      ["wa:a:wamid.SAME-ID", "a"],
      ["wa:b:wamid.SAME-ID", "b"],
    ]);
  });
});
