// Opt-out and opt-in through the real stack: STOP gets one confirmation and silences every automated
// send (dropped and audited); START confirms and lets them through again.
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
let worker: TestWorker;

beforeAll(async () => {
  h = await startHarness();
  worker = await h.startWorker("default");
});
afterAll(async () => {
  await h.stop();
});

function observed(name: string, conversationId: string) {
  return h.observed.filter((e) => e.name === name && e.data["conversationId"] === conversationId);
}

async function requestNudge(conversationId: string, to: string, dedupeKey: string): Promise<string> {
  const before = (await listRuns(h.engine.url, worker.proactiveFunctionId)).length;
  await h.sendEvents([
    {
      name: "whatsapp/message.send-requested",
      data: {
        accountId: "default",
        conversationId,
        to,
        text: "¿Te ayudo con tu pedido?",
        dedupeKey,
        reason: "promos-timeout",
      },
    },
  ]);
  const runs = await finishedRuns(h.engine, worker.proactiveFunctionId, before + 1);
  return runs.at(-1)?.status ?? "unknown";
}

describe("opt-out and opt-in", () => {
  it("STOP opts out with one confirmation; automated sends are dropped and audited; START opts back in", async () => {
    const phone = nextPhone();
    await worker.phones.receive({ from: phone, text: "hola", id: "wamid.OPT-1" });
    const conversation = await h.db.conversations.findByPhone("default", phone);
    if (!conversation) throw new Error("no conversation");

    // "stop" in any case, as the whole message.
    await worker.phones.receive({ from: phone, text: "  Stop ", id: "wamid.OPT-2" });
    expect(await h.db.conversations.getById(conversation._id)).toMatchObject({
      optedOut: true,
      mode: "opted_out",
    });
    const confirmations = worker.phones.outbound(phone);
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]?.text).toMatch(/no te enviaremos más mensajes.*START/);

    // The keyword is not given to the agent; the opt-out is announced.
    await eventually(() =>
      observed("whatsapp/contact.opted-out", conversation._id).length ? true : undefined,
    );
    expect(observed("whatsapp/contact.opted-out", conversation._id)[0]?.data).toMatchObject({
      keyword: "STOP",
      phone,
      contactId: conversation.contactId,
    });

    // STOP again (and BAJA): still one confirmation.
    await worker.phones.receive({ from: phone, text: "BAJA", id: "wamid.OPT-3" });
    expect(worker.phones.outbound(phone)).toHaveLength(1);

    // A proactive send is dropped, not delivered, and the drop is audited.
    expect(await requestNudge(conversation._id, phone, "promos-timeout:opt:1")).toBe("completed");
    expect(worker.phones.outbound(phone)).toHaveLength(1);
    const audit = await h.db.audit.listForSubject("conversation", conversation._id);
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(["conversation.opted_out", "message.dropped_opted_out"]),
    );
    expect(audit.find((a) => a.action === "message.dropped_opted_out")?.details).toMatchObject({
      dedupeKey: "promos-timeout:opt:1",
      reason: "promos-timeout",
    });

    // What they write meanwhile is kept but never reaches the agent.
    await worker.phones.receive({ from: phone, text: "¿precio?", id: "wamid.OPT-4" });
    const recent = await h.db.messages.listRecent(conversation._id, 20);
    expect(recent.map((m) => m.text)).toContain("¿precio?");
    expect(await h.db.messages.listUnprocessedInbound(conversation._id)).toEqual([]);

    // START: one confirmation, back to the previous mode, sends delivered again.
    await worker.phones.receive({ from: phone, text: "start", id: "wamid.OPT-5" });
    expect(await h.db.conversations.getById(conversation._id)).toMatchObject({
      optedOut: false,
      mode: "greeting",
    });
    expect(worker.phones.outbound(phone).map((m) => m.text)).toEqual([
      expect.stringMatching(/no te enviaremos/),
      expect.stringMatching(/Bienvenido de vuelta.*STOP/),
    ]);
    await eventually(() =>
      observed("whatsapp/contact.opted-in", conversation._id).length ? true : undefined,
    );

    expect(await requestNudge(conversation._id, phone, "promos-timeout:opt:2")).toBe("completed");
    await worker.phones.waitForOutbound(phone, (m) => m.dedupeKey === "promos-timeout:opt:2");

    // Only the first message was for the agent: keywords and what was written while opted out were not.
    await h.engine.settle();
    expect(observed("whatsapp/message.received", conversation._id).map((e) => e.data["text"])).toEqual([
      "hola",
    ]);
  });

  it("START from a contact who never opted out is an ordinary message for the agent", async () => {
    const phone = nextPhone();
    await worker.phones.receive({ from: phone, text: "START", id: "wamid.START-ONLY" });
    const conversation = await h.db.conversations.findByPhone("default", phone);
    await eventually(() =>
      observed("whatsapp/message.received", conversation!._id).length ? true : undefined,
    );
    expect(worker.phones.outbound(phone)).toHaveLength(0);
    expect(conversation?.optedOut).toBe(false);
  });

  it('"stop please" is not a keyword', async () => {
    const phone = nextPhone();
    await worker.phones.receive({ from: phone, text: "stop please, too many messages", id: "wamid.NOT-KW" });
    const conversation = await h.db.conversations.findByPhone("default", phone);
    expect(conversation?.optedOut).toBe(false);
    await eventually(() =>
      observed("whatsapp/message.received", conversation!._id).length ? true : undefined,
    );
  });
});
