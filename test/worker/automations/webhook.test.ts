// The webhook request on its own: signature, address refusal on the resolved address (literal
// private addresses, a name that resolves to loopback, a resolver that lies), allowlist, no
// redirects, and the time limit. The receivers are local servers on random ports.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AddressPolicy,
  postWebhook,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  webhookSignature,
} from "../../../worker/automations/index.js";

let server: Server;
let port: number;
const seen: { url: string; headers: IncomingMessage["headers"]; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      seen.push({ url: req.url ?? "", headers: req.headers, body });
      if (req.url === "/redirect") res.writeHead(302, { location: "http://169.254.169.254/" }).end();
      else if (req.url === "/hang")
        return; // never answers
      else res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const options = (policy: AddressPolicy, extra: Partial<Parameters<typeof postWebhook>[2]> = {}) => ({
  secret: "s3cret",
  policy,
  deliveryId: "ax_1:0",
  nowSeconds: 1_700_000_000,
  ...extra,
});
const loopbackAllowed = new AddressPolicy(["127.0.0.1"]);
const strict = new AddressPolicy([]);

describe("webhook", () => {
  it("signs the JSON body with HMAC-SHA256 over timestamp and body", async () => {
    const before = seen.length;
    expect(
      await postWebhook(`http://127.0.0.1:${port}/in?a=1`, { hello: "mundo" }, options(loopbackAllowed)),
    ).toEqual({ status: 200 });
    const delivery = seen[before];
    expect(delivery?.url).toBe("/in?a=1");
    expect(delivery?.body).toBe('{"hello":"mundo"}');
    expect(delivery?.headers[TIMESTAMP_HEADER]).toBe("1700000000");
    expect(delivery?.headers["content-type"]).toBe("application/json");
    expect(delivery?.headers[SIGNATURE_HEADER]).toBe(
      webhookSignature("s3cret", "1700000000", '{"hello":"mundo"}'),
    );
    expect(delivery?.headers[SIGNATURE_HEADER]).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  const refused: [string, string][] = [
    ["loopback", "http://127.0.0.1:9/x"],
    ["private 10/8", "http://10.0.0.1/x"],
    ["metadata (link-local)", "http://169.254.169.254/latest/meta-data/"],
    ["a name that resolves to loopback", `http://localhost:${1}/x`],
    ["IPv6 loopback", "http://[::1]/x"],
    ["private 192.168/16", "https://192.168.1.10/x"],
    ["IPv4-mapped loopback", "http://[::ffff:127.0.0.1]/x"],
  ];
  for (const [what, url] of refused) {
    it(`refuses ${what} unless allowlisted`, async () => {
      const before = seen.length;
      await expect(postWebhook(url, {}, options(strict))).rejects.toThrow(
        /refused .*(private, loopback, link-local or reserved)/,
      );
      expect(seen.length).toBe(before);
    });
  }

  it("checks the resolved address: a public-looking name that resolves to loopback is refused", async () => {
    const lying = async () => [
      { address: "93.184.216.34", family: 4 },
      { address: "127.0.0.1", family: 4 },
    ];
    await expect(
      postWebhook("http://shop.example.com/hook", {}, options(strict, { resolve: lying })),
    ).rejects.toThrow(/refused shop\.example\.com: 127\.0\.0\.1 is a private/);
  });

  it("connects to the address it checked (the name is resolved once)", async () => {
    let lookups = 0;
    const resolve = async () => {
      lookups += 1;
      return [{ address: "127.0.0.1", family: 4 }];
    };
    const before = seen.length;
    await postWebhook(
      `http://hooks.example.test:${port}/named`,
      { n: 1 },
      options(loopbackAllowed, { resolve }),
    );
    expect(lookups).toBe(1);
    expect(seen[before]?.headers.host).toBe(`hooks.example.test:${port}`);
  });

  it("does not follow redirects", async () => {
    await expect(
      postWebhook(`http://127.0.0.1:${port}/redirect`, {}, options(loopbackAllowed)),
    ).rejects.toThrow("HTTP 302: redirects are not followed");
  });

  it("gives up after its time limit", async () => {
    await expect(
      postWebhook(`http://127.0.0.1:${port}/hang`, {}, options(loopbackAllowed, { timeoutMs: 200 })),
    ).rejects.toThrow("no answer within 0.2 s");
  });

  it("refuses to send unsigned, and refuses a bad allowlist entry at startup", async () => {
    await expect(
      postWebhook(`http://127.0.0.1:${port}/x`, {}, options(loopbackAllowed, { secret: undefined })),
    ).rejects.toThrow(/AUTOMATION_WEBHOOK_SECRET/);
    expect(() => new AddressPolicy(["intranet.local"])).toThrow(/not an IP address or CIDR range/);
  });

  it("allowlists ranges, and lets public addresses through", () => {
    const policy = new AddressPolicy(["10.1.0.0/16"]);
    expect(policy.refusal("10.1.2.3")).toBeNull();
    expect(policy.refusal("10.2.0.1")).toMatch(/private/);
    expect(policy.refusal("8.8.8.8")).toBeNull();
    expect(policy.refusal("2001:4860:4860::8888")).toBeNull();
    expect(policy.refusal("fd00:ec2::254")).toMatch(/private/);
  });
});
