// The real Bolt app behind /slack/events checks Slack's signature on the raw body: a valid request
// works; a bad signature, a tampered body, or a timestamp older than 5 minutes gets 401 and does
// nothing. A Slack retry (X-Slack-Retry-Num) is answered and never repeats the action.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slackSignature } from "../../sandbox/slack/delivery.js";
import { defaultAutomationSeed } from "../../shared/db/index.js";
import { slashCommandBody } from "../support/slash-command.js";
import { startSlackHarness, type SlackHarness } from "./support/slack-harness.js";

let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness();
  await h.db.automations.seedAutomations(defaultAutomationSeed(), { kind: "system", id: "seed" });
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

function sign(secret: string, body: string, ts: number): Record<string, string> {
  return {
    "content-type": "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": String(ts),
    "x-slack-signature": slackSignature(secret, ts, body),
  };
}

function commandBody(userId: string, command: string, text: string): string {
  return slashCommandBody(userId, command, text, `${h.workspace.apiUrl.replace(/api\/$/, "")}response/none`);
}

const now = () => Math.floor(Date.now() / 1000);
const post = (body: string, headers: Record<string, string>) =>
  fetch(`${h.webUrl}/slack/events`, { method: "POST", body, headers });

describe("signed requests to /slack/events", () => {
  it("a correctly signed slash command is answered", async () => {
    const body = commandBody(h.workspace.users.admin.id, "/automation", "help");
    const res = await post(body, sign(h.workspace.signingSecret, body, now()));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { text: string }).text).toMatch(/Usage: `\/automation list`/);
  });

  it("a bad signature, a tampered body and a timestamp older than 5 minutes get 401 and change nothing", async () => {
    const admin = h.workspace.users.admin.id;
    const body = commandBody(admin, "/automation", "enable reactivate-inactive-30d");
    const wrongSecret = await post(body, sign("not-the-secret", body, now()));
    expect(wrongSecret.status).toBe(401);

    const signedFor = commandBody(admin, "/automation", "status reactivate-inactive-30d");
    const tampered = await post(body, sign(h.workspace.signingSecret, signedFor, now()));
    expect(tampered.status).toBe(401);

    const stale = await post(body, sign(h.workspace.signingSecret, body, now() - 301));
    expect(stale.status).toBe(401);

    const unsigned = await post(body, { "content-type": "application/x-www-form-urlencoded" });
    expect(unsigned.status).toBe(401);

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await h.db.automations.getByName("reactivate-inactive-30d"))?.enabled).toBe(false);
  });

  it("a Slack retry of a request is acknowledged and does not repeat the action", async () => {
    const body = commandBody(h.workspace.users.admin.id, "/automation", "enable reactivate-inactive-30d");
    const retry = await post(body, {
      ...sign(h.workspace.signingSecret, body, now()),
      "x-slack-retry-num": "1",
      "x-slack-retry-reason": "http_timeout",
    });
    expect(retry.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await h.db.automations.getByName("reactivate-inactive-30d"))?.enabled).toBe(false);
    expect(await h.db.audit.listForSubject("automation", "reactivate-inactive-30d")).toEqual([]);
    // The same request as a first delivery does the work (so the check above is not vacuous).
    const first = await post(body, sign(h.workspace.signingSecret, body, now()));
    expect(first.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await h.db.automations.getByName("reactivate-inactive-30d"))?.enabled).toBe(true);
  });
});
