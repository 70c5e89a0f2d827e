// Proactive sends through the one Inngest function (real SDK, local engine): idempotent by dedupe
// key across retries and repeated requests, retried while WhatsApp is not ready, throttled per
// recipient. Also sendOnce on its own for the cases a step retry cannot show.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { COLLECTIONS } from "../../shared/db/index.js";
import type { MessageDoc } from "../../shared/db/index.js";
import { clock } from "../../shared/clock.js";
import {
  RecipientMismatchError,
  sendBatch,
  sendOnce,
  SendInFlightError,
} from "../../worker/outbound/send-once.js";
import { nextOpening } from "../../shared/domain/business-hours.js";
import { TransportNotReadyError } from "../../worker/gateway/transport.js";
import { toStepError } from "../../worker/outbound/step-errors.js";
import { NonRetriableError } from "inngest";
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
  worker = await h.startWorker("default", { WHATSAPP_PROACTIVE_PER_MINUTE: "2" });
});
afterAll(async () => {
  await h.stop();
});

/** A customer who wrote once, so the conversation exists. */
async function customer(text = "hola") {
  const phone = nextPhone();
  await worker.phones.receive({ from: phone, text });
  const conversation = await h.db.conversations.findByPhone("default", phone);
  if (!conversation) throw new Error("conversation not created");
  return { phone, conversation };
}

function sendRequested(conversationId: string, to: string, dedupeKey: string, text = "¿Sigues ahí?") {
  return {
    name: "whatsapp/message.send-requested",
    data: { accountId: "default", conversationId, to, text, dedupeKey, reason: "data-collection-nudge" },
  };
}

async function outboundDoc(dedupeKey: string): Promise<MessageDoc | null> {
  return h.db.db.collection<MessageDoc>(COLLECTIONS.messages).findOne({ direction: "out", dedupeKey });
}

describe("proactive send function", () => {
  it("retries after a transport failure and delivers the message once", async () => {
    const { phone, conversation } = await customer();
    const before = (await listRuns(h.engine.url, worker.proactiveFunctionId)).length;
    worker.phones.failNextSends(1);
    await h.sendEvents([sendRequested(conversation._id, phone, "nudge:retry-1")]);

    // The failed attempt is retried after the engine's backoff; skip the wait on its clock.
    await eventually(async () =>
      (await outboundDoc("nudge:retry-1"))?.status === "failed" ? true : undefined,
    );
    await h.engine.advance(5_000);
    const delivered = await worker.phones.waitForOutbound(phone, (m) => m.dedupeKey === "nudge:retry-1");
    expect(delivered.text).toBe("¿Sigues ahí?");

    const [run] = (await finishedRuns(h.engine, worker.proactiveFunctionId, before + 1)).slice(-1);
    expect(run?.status).toBe("completed");
    expect(worker.phones.outbound(phone)).toHaveLength(1);
    expect(await outboundDoc("nudge:retry-1")).toMatchObject({
      status: "sent",
      attempts: 2,
      origin: "nudge",
    });
    // Announced as sent, once.
    await eventually(() =>
      h.observed.some((e) => e.name === "whatsapp/message.sent" && e.data["dedupeKey"] === "nudge:retry-1")
        ? true
        : undefined,
    );
  });

  it("sends a repeated request with the same dedupe key only once", async () => {
    const { phone, conversation } = await customer();
    const before = (await listRuns(h.engine.url, worker.proactiveFunctionId)).length;
    await h.sendEvents([sendRequested(conversation._id, phone, "order-approved:ORD-1")]);
    await h.sendEvents([sendRequested(conversation._id, phone, "order-approved:ORD-1")]);
    const runs = await finishedRuns(h.engine, worker.proactiveFunctionId, before + 2);
    expect(runs.slice(-2).map((r) => r.status)).toEqual(["completed", "completed"]);
    expect(worker.phones.outbound(phone).map((m) => m.dedupeKey)).toEqual(["order-approved:ORD-1"]);
  });

  it("waits while WhatsApp is disconnected and delivers once it is back", async () => {
    const { phone, conversation } = await customer();
    worker.phones.simulateDisconnect("phone offline");
    try {
      await h.sendEvents([sendRequested(conversation._id, phone, "nudge:offline-1")]);
      await eventually(async () => {
        const runs = await listRuns(h.engine.url, worker.proactiveFunctionId);
        const send = runs.flatMap((r) => r.steps).find((s) => s.id === "send" && s.attempts >= 1);
        return send ? true : undefined;
      });
      expect(worker.phones.outbound(phone)).toHaveLength(0);
      // Not-ready waits do not count as failed sends.
      expect(await outboundDoc("nudge:offline-1")).toBeNull();
    } finally {
      await worker.phones.simulateReconnect();
    }
    await h.engine.advance(15_000);
    const delivered = await worker.phones.waitForOutbound(phone, (m) => m.dedupeKey === "nudge:offline-1");
    expect(delivered.text).toBe("¿Sigues ahí?");
  });

  it("throttles each recipient (2 per minute here): the third message waits for the next minute", async () => {
    // The send budget reads the product's clock; as in `npm start`, it follows the engine's.
    const restoreClock = clock.use(() => h.engine.nowMs());
    onTestFinished(restoreClock);
    const { phone, conversation } = await customer();
    await h.sendEvents(
      [1, 2, 3].map((n) => sendRequested(conversation._id, phone, `automation:burst:${n}`, `mensaje ${n}`)),
    );
    await worker.phones.waitForOutbound(phone, (m) => m.text === "mensaje 2");
    await h.engine.settle();
    expect(worker.phones.outbound(phone).map((m) => m.text)).toHaveLength(2);

    await h.engine.advance(61_000);
    await worker.phones.waitForOutbound(phone, (m) => m.dedupeKey === "automation:burst:3");
    expect(worker.phones.outbound(phone)).toHaveLength(3);
  });
});

describe("a send to a number that is not the conversation's", () => {
  it("fails its run at once (no retries), records nothing and sends to no one", async () => {
    const { phone, conversation } = await customer();
    const other = await customer();
    const before = (await listRuns(h.engine.url, worker.proactiveFunctionId)).length;
    await h.sendEvents([sendRequested(conversation._id, other.phone, "nudge:wrong-number-1")]);
    const [run] = (await finishedRuns(h.engine, worker.proactiveFunctionId, before + 1)).slice(-1);
    expect(run?.status).toBe("failed");
    expect(run?.steps.find((s) => s.id === "send")?.attempts).toBe(1);
    expect(await outboundDoc("nudge:wrong-number-1")).toBeNull();
    expect(worker.phones.outbound(phone)).toHaveLength(0);
    expect(worker.phones.outbound(other.phone)).toHaveLength(0);
  });
});

describe("sendOnce", () => {
  it("refuses a `to` that is not the conversation's phone, naming the conversation and no number", async () => {
    const { phone, conversation } = await customer();
    const other = await customer();
    const refusal = sendOnce(
      { db: h.db, transport: worker.phones },
      {
        accountId: "default",
        conversationId: conversation._id,
        to: other.phone,
        text: "Tu pedido fue aprobado",
        dedupeKey: "order-approved:wrong-to",
        origin: "order_notification",
      },
    );
    await expect(refusal).rejects.toBeInstanceOf(RecipientMismatchError);
    const error = (await refusal.catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(conversation._id);
    expect(error.message).not.toContain(other.phone);
    expect(error.message).not.toContain(phone);
    expect(toStepError(error, 0)).toBeInstanceOf(NonRetriableError);
    expect(await outboundDoc("order-approved:wrong-to")).toBeNull();
    expect(worker.phones.outbound(phone)).toHaveLength(0);
    expect(worker.phones.outbound(other.phone)).toHaveLength(0);
  });

  it("returns the stored result for a key already sent, without sending again", async () => {
    const { phone, conversation } = await customer();
    const request = {
      accountId: "default",
      conversationId: conversation._id,
      to: phone,
      text: "Gracias por tu compra",
      dedupeKey: "reply:once-1",
      origin: "agent" as const,
    };
    const deps = { db: h.db, transport: worker.phones };
    const first = await sendOnce(deps, request);
    const second = await sendOnce(deps, request);
    expect(first).toMatchObject({ status: "sent", attempts: 1 });
    expect(second).toEqual({
      status: "already_sent",
      messageId: first.status === "sent" ? first.messageId : "",
      waMessageId: first.status === "sent" ? first.waMessageId : "",
    });
    expect(worker.phones.outbound(phone)).toHaveLength(1);
  });

  it("refuses while not ready, before recording anything", async () => {
    const { phone, conversation } = await customer();
    worker.phones.simulateDisconnect();
    try {
      await expect(
        sendOnce(
          { db: h.db, transport: worker.phones },
          {
            accountId: "default",
            conversationId: conversation._id,
            to: phone,
            text: "hola",
            dedupeKey: "reply:not-ready",
            origin: "agent",
          },
        ),
      ).rejects.toBeInstanceOf(TransportNotReadyError);
    } finally {
      await worker.phones.simulateReconnect();
    }
    expect(await outboundDoc("reply:not-ready")).toBeNull();
  });

  it("does not send while another attempt is in flight, and takes over one that never finished", async () => {
    const { phone, conversation } = await customer();
    const reserved = await h.db.messages.reserveOutbound({
      accountId: "default",
      conversationId: conversation._id,
      contactId: conversation.contactId,
      dedupeKey: "reply:crashed",
      text: "Tu pedido va en camino",
      origin: "agent",
    });
    expect(reserved.outcome).toBe("reserved");
    const request = {
      accountId: "default",
      conversationId: conversation._id,
      to: phone,
      text: "Tu pedido va en camino",
      dedupeKey: "reply:crashed",
      origin: "agent" as const,
    };
    const deps = { db: h.db, transport: worker.phones, inFlightStaleMs: 60_000 };
    await expect(sendOnce(deps, request)).rejects.toBeInstanceOf(SendInFlightError);
    expect(worker.phones.outbound(phone)).toHaveLength(0);

    // Two minutes later the attempt is clearly dead (the process crashed mid-send): send it.
    const restore = clock.use(() => Date.now() + 120_000);
    try {
      expect(await sendOnce(deps, request)).toMatchObject({ status: "sent", attempts: 2 });
    } finally {
      restore();
    }
    expect(worker.phones.outbound(phone).map((m) => m.text)).toEqual(["Tu pedido va en camino"]);
  });

  it("records an attempt cut off after the phone got the message as sent, and never sends it again", async () => {
    const { phone, conversation } = await customer();
    const request = {
      accountId: "default",
      conversationId: conversation._id,
      to: phone,
      text: "Tu pedido fue aprobado",
      dedupeKey: "reply:delivered-then-killed",
      origin: "agent" as const,
    };
    const { to: _to, ...reservation } = request;
    const reserved = await h.db.messages.reserveOutbound({
      ...reservation,
      contactId: conversation.contactId,
    });
    // The process died between the transport's send and its record: the phone has the message,
    // MongoDB still says the attempt is pending.
    const delivered = await worker.phones.send(phone, request.text, request.dedupeKey);

    const deps = { db: h.db, transport: worker.phones, inFlightStaleMs: 60_000 };
    expect(await sendOnce(deps, request)).toEqual({
      status: "already_sent",
      messageId: reserved.message._id,
      waMessageId: delivered.messageId,
    });
    expect(await outboundDoc(request.dedupeKey)).toMatchObject({
      status: "sent",
      waMessageId: delivered.messageId,
      attempts: 1,
    });
    const restore = clock.use(() => Date.now() + 120_000);
    try {
      expect(await sendOnce(deps, request)).toMatchObject({ status: "already_sent" });
    } finally {
      restore();
    }
    expect(worker.phones.outbound(phone).map((m) => m.text)).toEqual(["Tu pedido fue aprobado"]);
  });
});

describe("sendBatch", () => {
  it("sends in order; a failure stops the batch with the ones before it sent, and a retry sends the rest once", async () => {
    const { phone, conversation } = await customer();
    let sends = 0;
    const flaky = {
      status: () => worker.phones.status(),
      send: (...args: Parameters<typeof worker.phones.send>) =>
        ++sends === 2 ? Promise.reject(new Error("network hiccup")) : worker.phones.send(...args),
    };
    const request = {
      accountId: "default",
      conversationId: conversation._id,
      to: phone,
      origin: "agent" as const,
      messages: ["uno", "dos", "tres"].map((text, i) => ({
        dedupeKey: `batch:${conversation._id}:${i}`,
        text,
      })),
    };
    const first = await sendBatch({ db: h.db, transport: flaky }, request);
    expect(first.results.map((r) => r.status)).toEqual(["sent"]);
    expect(first.failure?.index).toBe(1);
    expect(await outboundDoc(`batch:${conversation._id}:1`)).toMatchObject({ status: "failed" });
    // Never handed to WhatsApp: not left behind as a send in flight.
    expect(await outboundDoc(`batch:${conversation._id}:2`)).toBeNull();

    const retry = await sendBatch({ db: h.db, transport: flaky }, request);
    expect(retry.failure).toBeUndefined();
    expect(retry.results.map((r) => r.status)).toEqual(["already_sent", "sent", "sent"]);
    const batchOut = () => worker.phones.outbound(phone).filter((m) => m.dedupeKey.startsWith("batch:"));
    expect(batchOut().map((m) => m.text)).toEqual(["uno", "dos", "tres"]);
    expect(await outboundDoc(`batch:${conversation._id}:1`)).toMatchObject({ status: "sent", attempts: 2 });
    const history = await h.db.messages.listRecent(conversation._id, 50);
    expect(history.filter((m) => m.dedupeKey?.startsWith("batch:")).map((m) => m.text)).toEqual([
      "uno",
      "dos",
      "tres",
    ]);
  });

  it("drops the whole batch for an opted-out contact, audited per message, and reserves nothing", async () => {
    const { phone, conversation } = await customer();
    await h.db.conversations.optOut(conversation._id);
    const keys = [0, 1].map((i) => `batch-opted-out:${conversation._id}:${i}`);
    const outcome = await sendBatch(
      { db: h.db, transport: worker.phones },
      {
        accountId: "default",
        conversationId: conversation._id,
        to: phone,
        origin: "automation",
        messages: keys.map((dedupeKey) => ({ dedupeKey, text: "¡Promoción!" })),
      },
    );
    expect(outcome.results.map((r) => r.status)).toEqual(["dropped_opted_out", "dropped_opted_out"]);
    expect(await outboundDoc(keys[0]!)).toBeNull();
    const audit = await h.db.db
      .collection(COLLECTIONS.auditLog)
      .find({ action: "message.dropped_opted_out", "subject.id": conversation._id })
      .toArray();
    expect(audit.map((e) => (e["details"] as { dedupeKey: string }).dedupeKey).sort()).toEqual(keys);
  });
});

describe("quiet hours", () => {
  it("holds an automated message requested while closed until the next opening; a reply goes at once", async () => {
    // The product's clock follows the engine's, as in `npm start`, so moving it opens the business.
    const restoreClock = clock.use(() => h.engine.nowMs());
    try {
      // Open one hour a day, starting two hours from now (UTC): it is closed now.
      const openHour = (new Date(h.engine.nowMs()).getUTCHours() + 2) % 24;
      const hh = (n: number) => String(n).padStart(2, "0");
      const quiet = await h.startWorker("quiet", {
        BUSINESS_TIMEZONE: "UTC",
        BUSINESS_HOURS: `${hh(openHour)}:00-${hh(openHour + 1)}:00`,
        BUSINESS_DAYS: "sun-sat",
      });
      const phone = nextPhone();
      await quiet.phones.receive({ from: phone, text: "hola" });
      const conversation = await h.db.conversations.findByPhone("quiet", phone);
      if (!conversation) throw new Error("conversation not created");
      const request = (dedupeKey: string, reason: string, text: string) => ({
        name: "whatsapp/message.send-requested",
        data: { accountId: "quiet", conversationId: conversation._id, to: phone, text, dedupeKey, reason },
      });

      await h.sendEvents([request("automation:night-1", "automation", "¡Tenemos promoción!")]);
      // A reply the agent could not deliver itself is for a customer who just wrote: no waiting.
      await h.sendEvents([request("reply:night-1", "agent-reply", "¡Hola! ¿Cómo te llamas?")]);
      await quiet.phones.waitForOutbound(phone, (m) => m.dedupeKey === "reply:night-1");
      await h.engine.settle();
      expect(quiet.phones.outbound(phone).map((m) => m.dedupeKey)).toEqual(["reply:night-1"]);

      const opening = nextOpening(new Date(h.engine.nowMs()), {
        timezone: "UTC",
        hours: quiet.config.business.hours,
        days: quiet.config.business.days,
      }).getTime();
      await h.engine.advance(opening - h.engine.nowMs() - 60_000);
      expect(quiet.phones.outbound(phone).map((m) => m.dedupeKey)).toEqual(["reply:night-1"]);

      await h.engine.advance(61_000);
      const delivered = await quiet.phones.waitForOutbound(
        phone,
        (m) => m.dedupeKey === "automation:night-1",
      );
      expect(delivered.text).toBe("¡Tenemos promoción!");
      expect(Date.parse(delivered.at)).toBeGreaterThanOrEqual(opening);
      expect(quiet.phones.outbound(phone)).toHaveLength(2);
    } finally {
      restoreClock();
    }
  }, 30_000);
});
