// The fake Messages API over plain HTTP: documented shapes, header checks, scripting, cache accounting.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeAnthropic } from "../../../sandbox/anthropic/index.js";
import { startFakeAnthropic } from "../../../sandbox/anthropic/index.js";

let fake: FakeAnthropic;
beforeAll(async () => {
  fake = await startFakeAnthropic({ respond: () => [{ type: "text", text: "default answer" }] });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.clearCache();
  fake.requests.length = 0;
});

const headers = { "content-type": "application/json", "x-api-key": "k", "anthropic-version": "2023-06-01" };
const longSystem = "You are a helpful shop assistant. ".repeat(200);

function body(overrides: Record<string, unknown> = {}) {
  return {
    model: "claude-sonnet-4-5",
    max_tokens: 100,
    system: [{ type: "text", text: longSystem, cache_control: { type: "ephemeral" } }],
    messages: [{ role: "user", content: "hola" }],
    ...overrides,
  };
}

/** The parts of a Messages API answer (or error body) the tests read. */
interface Answer {
  id: string;
  error: { type: string; message: string };
  usage: Record<string, number>;
  content: { type: string; text?: string; id?: string; name?: string; input?: unknown }[];
  stop_reason: string;
}

async function post(payload: unknown, h: Record<string, string> = headers, path = "/v1/messages") {
  const res = await fetch(`${fake.url}${path}`, {
    method: "POST",
    headers: h,
    body: JSON.stringify(payload),
  });
  return { status: res.status, json: (await res.json()) as Answer };
}

describe("fake Anthropic API: requests and errors", () => {
  it("answers a message with the documented shape", async () => {
    const { status, json } = await post(body());
    expect(status).toBe(200);
    expect(json).toMatchObject({
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      content: [{ type: "text", text: "default answer" }],
      stop_reason: "end_turn",
      stop_sequence: null,
    });
    expect(json.id).toMatch(/^msg_/);
    expect(Object.keys(json.usage)).toEqual(
      expect.arrayContaining([
        "input_tokens",
        "output_tokens",
        "cache_creation_input_tokens",
        "cache_read_input_tokens",
      ]),
    );
  });

  it("requires an API key and the anthropic-version header", async () => {
    const noKey = await post(body(), {
      "content-type": "application/json",
      "anthropic-version": "2023-06-01",
    });
    expect(noKey.status).toBe(401);
    expect(noKey.json).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    const noVersion = await post(body(), { "content-type": "application/json", "x-api-key": "k" });
    expect(noVersion.status).toBe(400);
    expect(noVersion.json.error.type).toBe("invalid_request_error");
    const bearer = await post(body(), {
      "content-type": "application/json",
      authorization: "Bearer k",
      "anthropic-version": "2023-06-01",
    });
    expect(bearer.status).toBe(200);
  });

  it("rejects malformed requests and unknown paths with documented errors", async () => {
    expect((await post({ model: "x", messages: [] })).json.error.type).toBe("invalid_request_error");
    expect((await post(body({ messages: [{ role: "robot", content: "x" }] }))).status).toBe(400);
    const five = Array.from({ length: 5 }, () => ({
      type: "text",
      text: "x",
      cache_control: { type: "ephemeral" },
    }));
    expect((await post(body({ system: five }))).status).toBe(400);
    const missing = await post(body(), headers, "/v1/complete");
    expect(missing.status).toBe(404);
    expect(missing.json.error.type).toBe("not_found_error");
  });

  it("serves scripted errors with their documented types, then scripted answers in order, then the default", async () => {
    fake.enqueueError(529);
    fake.enqueueError(429, { retryAfterSeconds: 3 });
    fake.enqueueError(500);
    fake.enqueueError(400, { message: "bad" });
    fake.enqueueError(401);
    fake.enqueueToolUse("show_promos", {}, { text: "Mira:" });
    fake.enqueueText("cortado", { stopReason: "max_tokens" });
    const results = [];
    for (let i = 0; i < 8; i += 1) results.push(await post(body()));
    expect(results.map((r) => r.status)).toEqual([529, 429, 500, 400, 401, 200, 200, 200]);
    expect(results.slice(0, 5).map((r) => r.json.error.type)).toEqual([
      "overloaded_error",
      "rate_limit_error",
      "api_error",
      "invalid_request_error",
      "authentication_error",
    ]);
    expect(results[3]?.json.error.message).toBe("bad");
    expect(results[5]?.json).toMatchObject({
      stop_reason: "tool_use",
      content: [
        { type: "text", text: "Mira:" },
        { type: "tool_use", name: "show_promos", input: {} },
      ],
    });
    expect(results[5]?.json.content[1]?.id).toMatch(/^toolu_/);
    expect(results[6]?.json.stop_reason).toBe("max_tokens");
    expect(results[7]?.json.content[0]?.text).toBe("default answer");
    expect(fake.pending()).toBe(0);
  });

  it("records every request with credentials redacted", async () => {
    await post(body());
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.headers["x-api-key"]).toBe("[redacted]");
    expect(fake.requests[0]?.body?.model).toBe("claude-sonnet-4-5");
  });
});

describe("fake Anthropic API: prompt cache accounting", () => {
  it("writes the prefix up to the breakpoint, then reads it while it stays identical", async () => {
    const first = (await post(body())).json.usage;
    expect(first.cache_read_input_tokens).toBe(0);
    expect(first.cache_creation_input_tokens).toBeGreaterThan(1000);

    const second = (await post(body({ messages: [{ role: "user", content: "otra cosa" }] }))).json.usage;
    expect(second.cache_read_input_tokens).toBe(first.cache_creation_input_tokens);
    expect(second.cache_creation_input_tokens).toBe(0);
    expect(second.input_tokens).toBeGreaterThan(0);
  });

  it("a changed prefix or another model is a cache miss", async () => {
    await post(body());
    const changed = (
      await post(
        body({ system: [{ type: "text", text: `${longSystem}!`, cache_control: { type: "ephemeral" } }] }),
      )
    ).json.usage;
    expect(changed.cache_read_input_tokens).toBe(0);
    expect(changed.cache_creation_input_tokens).toBeGreaterThan(0);
    const otherModel = (await post(body({ model: "claude-haiku-4-5" }))).json.usage;
    expect(otherModel.cache_read_input_tokens).toBe(0);
  });

  it("without cache_control nothing is cached", async () => {
    const plain = body({ system: longSystem });
    await post(plain);
    const again = (await post(plain)).json.usage;
    expect(again.cache_read_input_tokens).toBe(0);
    expect(again.cache_creation_input_tokens).toBe(0);
  });

  it("honours a minimum cacheable length", async () => {
    const strict = await startFakeAnthropic({ minCacheableTokens: 100_000 });
    try {
      const res = await fetch(`${strict.url}/v1/messages`, {
        method: "POST",
        headers,
        body: JSON.stringify(body()),
      });
      const usage = ((await res.json()) as { usage: Record<string, number> }).usage;
      expect(usage.cache_creation_input_tokens).toBe(0);
    } finally {
      await strict.close();
    }
  });
});
