// Fault: the Anthropic Messages API answers 529 (overloaded_error), then 429 (rate_limit_error with
// retry-after), then succeeds, while a customer waits for the agent (the real @anthropic-ai/sdk
// against the fake Messages API). Must hold: the model call is retried on the engine's clock, the
// retry-after is honoured, and the customer gets exactly one reply: no fallback, no alert, no double.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeAnthropic, type FakeAnthropic } from "../../../sandbox/anthropic/index.js";
import { HANDLE_MESSAGE_FUNCTION_ID } from "../../../worker/agent/handle-message.js";
import {
  nextCustomerPhone,
  startServicesSandbox,
  type ServicesSandbox,
} from "../support/services-sandbox.js";

const GREETING = [
  "¡Hola! Gracias por escribirnos.",
  "Para preparar tu pedido me falta tu nombre, tu dirección de entrega y tu ciudad. ¿Me lo compartes?",
];

let fake: FakeAnthropic;
let s: ServicesSandbox;

beforeAll(async () => {
  // Answers as the offline rules brain does, through the real SDK, when nothing is scripted.
  fake = await startFakeAnthropic({ apiKey: "sk-ant-test-key" });
  s = await startServicesSandbox({
    env: {
      ANTHROPIC_API_KEY: "sk-ant-test-key",
      ANTHROPIC_BASE_URL: fake.url,
      DATA_COLLECTION_MAX_NUDGES: "0",
    },
  });
}, 60_000);
afterAll(async () => {
  await s?.stop();
  await fake?.close();
});

const modelCalls = () => fake.requests.filter((r) => r.path === "/v1/messages");

describe("Anthropic overloaded, then rate limited, then well", () => {
  it("retries on the engine's clock, waits out retry-after, and answers the customer once", async () => {
    fake.enqueueError(529);
    fake.enqueueError(429, { retryAfterSeconds: 60 });
    const phone = nextCustomerPhone();
    expect((await s.write(phone, "hola")).status).toBe(202);

    // The debounce ends: the first call is overloaded; the engine's backoff brings the second,
    // which is rate limited.
    await s.advance(3_000);
    await s.advance(2_000);
    expect(modelCalls().map((r) => r.status)).toEqual([529, 429]);
    expect(await s.received(phone)).toEqual([]);

    // retry-after: 60 is honoured: nothing is asked again before it has passed.
    await s.advance(45_000);
    expect(modelCalls()).toHaveLength(2);
    await s.advance(16_000);
    expect(modelCalls().map((r) => r.status)).toEqual([529, 429, 200]);

    expect(await s.received(phone)).toEqual(GREETING);
    const conversation = await s.running.db.conversations.findByPhone(s.config.whatsapp.accountId, phone);
    expect(conversation?.mode).toBe("collecting_data");
    // One model answer counted, once.
    expect(conversation?.usage.calls).toBe(1);
    const runs = (await s.runs("worker", HANDLE_MESSAGE_FUNCTION_ID)).filter(
      (r) => r.event.data["conversationId"] === conversation?._id,
    );
    expect(runs.map((r) => r.status)).toEqual(["completed"]);
    expect(runs[0]?.steps.find((step) => step.id === "brain-decides")?.attempts).toBe(3);

    // No fallback reply and no "model unavailable" alert in the ops channel.
    const ops = await s.running.workspace!.messages(s.running.workspace!.channels.ops.id);
    expect(ops).toEqual([]);
    // Later, nothing more is sent or asked.
    for (let i = 0; i < 10; i += 1) await s.advance(60_000);
    expect(await s.received(phone)).toEqual(GREETING);
    expect(modelCalls()).toHaveLength(3);
  }, 120_000);
});
