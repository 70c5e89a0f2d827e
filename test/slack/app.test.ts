import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../shared/config/index.js";
import { createInngestClient, slackAppId } from "../../shared/inngest.js";
import { createSlackSide } from "../../slack/app.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(env: Record<string, string>): Promise<string> {
  const config = loadConfig(env);
  const inngest = createInngestClient(config, { appId: slackAppId(config) });
  const { http } = createSlackSide({ config, inngest, functions: [] });
  const server = http.listen(0, "127.0.0.1");
  servers.push(server);
  await new Promise((r) => server.once("listening", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("web (Slack side) HTTP app", () => {
  it("answers /healthz and serves the Inngest endpoint", async () => {
    const url = await listen({});
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const inngest = await fetch(`${url}/api/inngest`);
    expect(inngest.status).toBe(200);
    expect(await inngest.json()).toMatchObject({ mode: "dev", function_count: 0 });
  });

  it("says Slack is not configured instead of accepting events without a signing secret", async () => {
    const url = await listen({});
    const res = await fetch(`${url}/slack/events`, { method: "POST", body: "x=1" });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toMatch(/SLACK_SIGNING_SECRET/);
  });

  it("refuses unsigned Slack requests and accepts correctly signed ones", async () => {
    const secret = "test-signing-secret";
    const url = await listen({ SLACK_BOT_TOKEN: "xoxb-test", SLACK_SIGNING_SECRET: secret });
    const body = JSON.stringify({ type: "url_verification", challenge: "abc" });
    const unsigned = await fetch(`${url}/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(unsigned.status).toBe(401);

    const ts = Math.floor(Date.now() / 1000);
    const sig = "v0=" + createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex");
    const signed = await fetch(`${url}/slack/events`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-slack-signature": sig,
        "x-slack-request-timestamp": String(ts),
      },
      body,
    });
    expect(signed.status).toBe(200);
    expect(await signed.json()).toEqual({ challenge: "abc" });
  });
});
