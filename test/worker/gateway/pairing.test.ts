import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { createPairingRouter, tokensMatch } from "../../../worker/gateway/pairing.js";
import type { TransportStatus } from "../../../worker/gateway/transport.js";

const TOKEN = "s3cret-admin-token";

class FakeTransport {
  readonly accountId = "acct-1";
  current: TransportStatus = { state: "starting", since: "2026-03-01T12:00:00.000Z" };
  status(): TransportStatus {
    return this.current;
  }
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(transport: FakeTransport): Promise<string> {
  const app = express();
  app.use(createPairingRouter({ transport, adminToken: TOKEN }));
  server = app.listen(0);
  await new Promise<void>((resolve) => server!.once("listening", () => resolve()));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe("/healthz", () => {
  it("answers 503 until the transport is ready, then 200 with the status", async () => {
    const transport = new FakeTransport();
    const base = await serve(transport);

    transport.current = { state: "qr", qr: "2@secret-qr", since: "2026-03-01T12:00:01.000Z" };
    const notReady = await fetch(`${base}/healthz`);
    expect(notReady.status).toBe(503);
    const body = (await notReady.json()) as Record<string, unknown>;
    expect(body).toEqual({ accountId: "acct-1", state: "qr", since: "2026-03-01T12:00:01.000Z" });

    transport.current = { state: "ready", since: "2026-03-01T12:00:02.000Z" };
    const ready = await fetch(`${base}/healthz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      accountId: "acct-1",
      state: "ready",
      since: "2026-03-01T12:00:02.000Z",
    });
  });
});

describe("/qr", () => {
  it("refuses requests without the admin token or with a wrong one", async () => {
    const transport = new FakeTransport();
    transport.current = { state: "qr", qr: "2@secret-qr", since: "2026-03-01T12:00:01.000Z" };
    const base = await serve(transport);

    for (const init of [
      {},
      { headers: { authorization: "Bearer wrong" } },
      { headers: { authorization: `Basic ${TOKEN}` } },
    ]) {
      const res = await fetch(`${base}/qr`, init);
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain("secret-qr");
    }
    expect((await fetch(`${base}/qr?token=wrong`)).status).toBe(401);
  });

  it("shows the current QR to the admin (header or query token) and refreshes itself", async () => {
    const transport = new FakeTransport();
    transport.current = { state: "qr", qr: "2@abc<def>", since: "2026-03-01T12:00:01.000Z" };
    const base = await serve(transport);

    const byHeader = await fetch(`${base}/qr`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(byHeader.status).toBe(200);
    const html = await byHeader.text();
    expect(html).toContain("2@abc&#60;def&#62;"); // escaped, not injected
    expect(html).toContain('http-equiv="refresh"');
    expect(byHeader.headers.get("cache-control")).toBe("no-store");

    const byQuery = await fetch(`${base}/qr?token=${encodeURIComponent(TOKEN)}`);
    expect(byQuery.status).toBe(200);
    expect(await byQuery.text()).toContain("2@abc&#60;def&#62;");
  });

  it("draws the current QR as a scannable SVG image, keeping the text as a fallback", async () => {
    const transport = new FakeTransport();
    transport.current = { state: "qr", qr: "2@first-code", since: "2026-03-01T12:00:01.000Z" };
    const base = await serve(transport);
    const page = async () => (await fetch(`${base}/qr?token=${TOKEN}`)).text();
    const imageOf = (html: string) => /<div id="qr-image">(<svg[\s\S]*?<\/svg>)/.exec(html)?.[1];

    const first = await page();
    const firstImage = imageOf(first);
    expect(firstImage).toMatch(/^<svg[^>]*viewBox="0 0 \d+ \d+"/);
    expect(firstImage).toContain("<path");
    expect(first).toContain('<pre id="qr">2@first-code</pre>');

    // WhatsApp rotates the code: the next refresh draws the new one.
    transport.current = { state: "qr", qr: "2@second-code", since: "2026-03-01T12:00:21.000Z" };
    const second = await page();
    expect(imageOf(second)).toBeDefined();
    expect(imageOf(second)).not.toBe(firstImage);
    expect(second).toContain('http-equiv="refresh"');
  });

  it("says so when already paired", async () => {
    const transport = new FakeTransport();
    transport.current = { state: "ready", since: "2026-03-01T12:00:02.000Z" };
    const base = await serve(transport);
    const html = await (await fetch(`${base}/qr?token=${TOKEN}`)).text();
    expect(html).toContain("paired and ready");
    expect(html).not.toContain('<pre id="qr">');
    expect(html).not.toContain("<svg");
  });

  it("cannot be created without a token", () => {
    expect(() => createPairingRouter({ transport: new FakeTransport(), adminToken: "" })).toThrow();
  });
});

describe("tokensMatch", () => {
  it("matches only the exact token", () => {
    expect(tokensMatch(TOKEN, TOKEN)).toBe(true);
    expect(tokensMatch(`${TOKEN}x`, TOKEN)).toBe(false);
    expect(tokensMatch("", TOKEN)).toBe(false);
  });
});
