import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { startLocalEngine } from "../../../sandbox/engine/index.js";
import type { LocalEngine } from "../../../sandbox/engine/index.js";
import { hashedSigningKey } from "../../../sandbox/engine/signing.js";

// The engine's HTTP edge as a careless or hostile client meets it: who may make it sync (PUT to) a
// URL, what a bad clock move does, and how bad requests are answered and logged.
const SIGNING_KEY = "signkey-test-0f3c9d2b7a4e4f1c8b6a5d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a";
const SECRET = "internal-admin-page: db password hunter2";
let keyed: LocalEngine;
let open: LocalEngine;
let target: Server;
let targetUrl: string;
let puts = 0;

beforeAll(async () => {
  keyed = await startLocalEngine({ memory: true, quiet: true, signingKey: SIGNING_KEY });
  open = await startLocalEngine({ memory: true, quiet: true });
  // a server that is not an Inngest app: the engine must not become a way to read it
  target = createServer((req, res) => {
    if (req.method === "PUT") puts++;
    res.writeHead(200, { "content-type": "text/plain" }).end(SECRET);
  });
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/api/inngest`;
});

afterAll(async () => {
  await keyed?.stop();
  await open?.stop();
  await new Promise((resolve) => target?.close(resolve));
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function post(
  url: string,
  body: string,
  headers: Record<string, string> = { "content-type": "application/json" },
) {
  const res = await fetch(url, { method: "POST", body, headers });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as Record<string, unknown> };
}

describe("POST /apps/sync", () => {
  test("with a signing key it needs the key, and never passes on what the synced URL answered", async () => {
    const body = JSON.stringify({ url: targetUrl });
    const before = puts;
    const anonymous = await post(`${keyed.url}/apps/sync`, body);
    expect(anonymous.status).toBe(401);
    expect(anonymous.json["error"]).toMatch(/signing key/i);
    const wrong = await post(`${keyed.url}/apps/sync`, body, {
      "content-type": "application/json",
      authorization: "Bearer signkey-test-nope",
    });
    expect(wrong.status).toBe(401);
    expect(puts).toBe(before); // refused before any PUT went out

    const allowed = await post(`${keyed.url}/apps/sync`, body, {
      "content-type": "application/json",
      authorization: `Bearer ${hashedSigningKey(SIGNING_KEY)}`,
    });
    expect(puts).toBe(before + 1);
    expect(allowed.status).toBe(200);
    expect(allowed.json).toEqual({ ok: true, status: 200 });
    expect(allowed.text).not.toContain("hunter2");
  });

  test("without keys (dev mode) anyone may sync, and the answer is still not echoed", async () => {
    const res = await post(`${open.url}/apps/sync`, JSON.stringify({ url: targetUrl }));
    expect(res.status).toBe(200);
    expect(res.text).not.toContain("hunter2");
    const refused = await post(`${open.url}/apps/sync`, JSON.stringify({ url: "file:///etc/passwd" }));
    expect(refused.status).toBe(400);
  });
});

describe("POST /clock/advance", () => {
  test("an absurd or malformed move answers 400 and changes nothing; the engine keeps working", async () => {
    const clockBefore = (await (await fetch(`${open.url}/clock`)).json()) as { now: string };
    for (const body of [
      '{"ms": 1e300}',
      '{"ms": -1}',
      '{"ms": 1.5}',
      '{"ms": "600000"}',
      '{"ms": 31708800001}', // 367 days
      "{}",
      '{"ms": 1000, "extra": true}',
    ]) {
      const res = await post(`${open.url}/clock/advance`, body);
      expect(res.status, body).toBe(400);
      expect(typeof res.json["error"], body).toBe("string");
    }
    const clock = await fetch(`${open.url}/clock`);
    expect(clock.status).toBe(200);
    const { now } = (await clock.json()) as { now: string };
    expect(Date.parse(now) - Date.parse(clockBefore.now)).toBeLessThan(60_000);
    expect((await fetch(`${open.url}/health`)).status).toBe(200);
    const events = await post(`${open.url}/e/key`, JSON.stringify({ name: "test/after", data: {} }));
    expect(events.status).toBe(200);

    const yearMs = 366 * 86_400_000;
    const moved = await post(`${open.url}/clock/advance`, JSON.stringify({ ms: yearMs }));
    expect(moved.status).toBe(200);
    expect(Date.parse(moved.json["now"] as string) - Date.parse(now)).toBeGreaterThanOrEqual(yearMs);
  });
});

/** A raw request, for headers fetch would not send as given. */
function rawPost(url: string, headers: Record<string, string>, body: Buffer | string) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("client errors", () => {
  test("answer 4xx with a JSON error, no stack trace and no body in the answer or the logs", async () => {
    const logged: string[] = [];
    for (const method of ["log", "error", "warn", "info"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(" "));
      });
    }
    const noisy = await startLocalEngine({ memory: true, quiet: false, signingKey: SIGNING_KEY });
    try {
      const phone = "+5215550001234";
      const cases: Array<{
        name: string;
        status: number;
        send: () => Promise<{ status: number; text: string }>;
      }> = [
        {
          name: "malformed JSON",
          status: 400,
          send: () => post(`${noisy.url}/e/key`, `{"name": "x", "data": {"phone": "${phone}"`),
        },
        {
          name: "too large",
          status: 413,
          send: () =>
            post(
              `${noisy.url}/e/key`,
              JSON.stringify({ name: "x", data: { phone, pad: "x".repeat(11 * 1024 * 1024) } }),
            ),
        },
        {
          name: "unsupported media type",
          status: 415,
          send: () =>
            post(`${noisy.url}/fn/register`, `<phone>${phone}</phone>`, {
              "content-type": "application/xml",
            }),
        },
        {
          name: "unsupported encoding",
          status: 415,
          send: () =>
            rawPost(
              `${noisy.url}/e/key`,
              { "content-type": "application/json", "content-encoding": "x-snappy" },
              JSON.stringify({ name: "x", data: { phone } }),
            ),
        },
        {
          name: "unknown path",
          status: 404,
          send: () => post(`${noisy.url}/nope`, JSON.stringify({ phone })),
        },
        {
          name: "bad escape in the path",
          status: 400,
          send: () =>
            fetch(`${noisy.url}/runs/%ZZ`).then(async (r) => ({ status: r.status, text: await r.text() })),
        },
      ];
      for (const c of cases) {
        const res = await c.send();
        expect(res.status, c.name).toBe(c.status);
        const body = JSON.parse(res.text) as Record<string, unknown>;
        expect(Object.keys(body), c.name).toEqual(["error"]);
        expect(typeof body["error"], c.name).toBe("string");
        expect(res.text, c.name).not.toMatch(/\bat \S+ \(|node_modules|\/work\/|SyntaxError/);
        expect(res.text, c.name).not.toContain("5550001234");
      }
      expect(logged.join("\n")).not.toContain("5550001234");
    } finally {
      await noisy.stop();
    }
  });
});
