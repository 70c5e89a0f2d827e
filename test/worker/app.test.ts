// The worker's HTTP surface: /api/inngest serves its functions, /healthz follows WhatsApp's state,
// and the QR page needs the admin token (or is off without one).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startHarness, type Harness, type TestWorker } from "./support/worker-harness.js";

const TOKEN = "a-long-admin-token-123";
let h: Harness;
let open: TestWorker;
let guarded: TestWorker;

beforeAll(async () => {
  h = await startHarness();
  open = await h.startWorker("open");
  guarded = await h.startWorker("guarded", { WHATSAPP_ADMIN_TOKEN: TOKEN });
});
afterAll(async () => {
  await h.stop();
});

describe("worker HTTP app", () => {
  it("serves its Inngest functions on /api/inngest", async () => {
    const res = await fetch(`${open.url}/api/inngest`);
    // The outbound functions: the proactive sender, staff replies from Slack and the order-decision
    // notice (the agent and the automations are off in this harness).
    expect(await res.json()).toMatchObject({ function_count: 3, mode: "dev" });
  });

  it("answers /healthz 200 while WhatsApp is ready and 503 while it is not", async () => {
    expect((await fetch(`${open.url}/healthz`)).status).toBe(200);
    open.phones.simulateDisconnect("phone offline");
    try {
      const res = await fetch(`${open.url}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ accountId: "open", state: "disconnected" });
    } finally {
      await open.phones.simulateReconnect();
    }
  });

  it("announces the session's state changes (for Slack alerts)", async () => {
    const states = () =>
      h.observed
        .filter((e) => e.name === "whatsapp/session.status-changed" && e.data["accountId"] === "open")
        .map((e) => [e.data["status"], e.data["reason"]]);
    open.phones.simulateDisconnect("phone offline");
    await open.phones.simulateReconnect();
    await eventually(() => (states().length >= 4 ? true : undefined));
    await h.engine.settle();
    expect(new Set(states().map(String))).toEqual(
      new Set(
        [
          ["ready", undefined],
          ["disconnected", "phone offline"],
        ].map(String),
      ),
    );
  });

  it("keeps the QR page off without an admin token, and behind it with one", async () => {
    expect((await fetch(`${open.url}/qr`)).status).toBe(404);
    expect((await fetch(`${guarded.url}/qr`)).status).toBe(401);
    const page = await fetch(`${guarded.url}/qr`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("WhatsApp is paired and ready");
  });

  it("stops the transport on stop(), and starting twice is harmless", async () => {
    await guarded.app.start();
    await guarded.app.stop();
    expect(guarded.phones.status()).toMatchObject({ state: "disconnected", reason: "stopped" });
    expect((await fetch(`${guarded.url}/healthz`)).status).toBe(503);
  });
});
