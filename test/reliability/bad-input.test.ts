// Bad input at every endpoint of ours (phones API, simulated Slack API, /slack/events, /api/inngest on
// both sides, /qr, the engine's API, the sandbox page server, automation definitions), one row each:
// the client gets a clear answer or the input is handled safely. After every row nothing is
// half-written, every server still answers, and no secret or customer phone number is in the logs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signBody } from "../../sandbox/engine/signing.js";
import { automationRows } from "./bad-input/automations.js";
import { engineRows, pageRows, qrRows } from "./bad-input/engine-and-page.js";
import { inngestRows } from "./bad-input/inngest.js";
import { phone, phoneRows } from "./bad-input/phones.js";
import { expectNoInternals, postJson, type Row, type RowOutcome } from "./bad-input/rows.js";
import { ADMIN, slackApiRows, slashCommandRows } from "./bad-input/slack-api.js";
import { slackEventRows } from "./bad-input/slack-events.js";
import { SECRETS, startBadInputStack, type BadInputStack } from "./support/bad-input-stack.js";

const rows: Row[] = [
  ...phoneRows,
  ...slackApiRows,
  ...slashCommandRows,
  ...slackEventRows,
  ...inngestRows,
  ...qrRows,
  ...engineRows,
  ...pageRows,
  ...automationRows,
];

/** Every test customer's number (+52155501NN) unmasked, as digits or a WhatsApp id. */
const CUSTOMER_PHONE = /52155501\d\d/;

let s: BadInputStack;

beforeAll(async () => {
  s = await startBadInputStack();
}, 60_000);

afterAll(async () => {
  await s?.stop();
  console.log(`bad-input: ${rows.length} bad inputs, each refused clearly or handled safely`);
});

/** No secret of the stack in `text`. */
function expectNoSecret(text: string, where: string): void {
  for (const secret of s.secretValues()) expect(text.includes(secret), `${where} shows a secret`).toBe(false);
}

/** What was logged: no secret, and no customer's phone number in clear. */
function expectCleanLog(text: string, where: string): void {
  expectNoSecret(text, where);
  expect(text, `${where} shows a customer's phone number`).not.toMatch(CUSTOMER_PHONE);
}

/** Every server answers its health check, and the everyday reads work. */
async function expectStillAnswers(): Promise<void> {
  const checks: [string, string, (body: unknown) => void][] = [
    [s.urls.page, "/healthz", (b) => expect(b).toMatchObject({ ok: true, missing: [] })],
    [s.urls.worker, "/healthz", (b) => expect(b).toMatchObject({ state: "ready" })],
    [s.urls.web, "/healthz", (b) => expect(b).toEqual({ ok: true, slack: "configured" })],
    [s.urls.engine, "/health", (b) => expect(b).toMatchObject({ ok: true })],
    [s.urls.prodWorker, "/healthz", (b) => expect(b).toMatchObject({ state: "ready" })],
    [s.urls.prodWeb, "/healthz", (b) => expect(b).toEqual({ ok: true, slack: "configured" })],
    [s.urls.prodEngine, "/health", (b) => expect(b).toMatchObject({ ok: true })],
    [s.urls.page, "/sandbox/whatsapp/chats", (b) => expect(b).toEqual({ chats: expect.any(Array) })],
    [s.urls.page, "/sandbox/slack/users", (b) => expect(b).toMatchObject({ users: expect.any(Array) })],
    [s.urls.page, "/sandbox/clock", (b) => expect(b).toEqual({ now: expect.any(String) })],
  ];
  await Promise.all(
    checks.map(async ([base, path, check]) => {
      const res = await fetch(`${base}${path}`);
      expect(res.status, `${base}${path}`).toBe(200);
      check(await res.json());
    }),
  );
}

async function runRow(row: Row): Promise<void> {
  await row.setup?.(s);
  await s.settle();
  const before = await s.snapshot();
  const runsBefore = await s.runCount();
  const clockAheadBefore = s.sandbox.engine.nowMs() - Date.now();
  const logStart = s.logs().length;
  const outcome: Partial<RowOutcome> = { s, before };
  try {
    if (row.call) {
      try {
        outcome.result = await row.call(s);
      } catch (error) {
        outcome.thrown = error;
      }
    } else {
      const request = typeof row.request === "function" ? row.request(s) : row.request;
      outcome.answer = await s.send(row.target!, request!);
    }
    await s.settle();
    outcome.after = await s.snapshot();
    outcome.logs = s.logs().slice(logStart);
    const done = outcome as RowOutcome;

    // What the client got: the row's answer, never our internals or a secret.
    if (done.answer) {
      if (!row.internalsBecause) expectNoInternals(done.answer);
      expectNoSecret(done.answer.body, "the answer");
    }
    await row.expect(done);

    // Nothing half-written: no change at all, or exactly the row's writes.
    if (!row.writes) {
      expect(done.after).toEqual(before);
    } else {
      const allowed = row.writes.in;
      if (allowed !== "any") {
        for (const name of new Set([...Object.keys(before), ...Object.keys(done.after)])) {
          if (!allowed.includes(name)) expect(done.after[name], `${name} changed`).toEqual(before[name]);
        }
      }
      await row.writes.check(done);
    }
    if (row.writes?.in !== "any") expect(await s.runCount(), "engine runs started").toBe(runsBefore);
    expect(
      Math.abs(s.sandbox.engine.nowMs() - Date.now() - clockAheadBefore),
      "the engine's clock moved",
    ).toBeLessThan(5_000);

    // Every server still answers, and the logs of this row hold no secret or phone number.
    await expectStillAnswers();
    expectCleanLog(s.logs().slice(logStart), "the log");
  } finally {
    await row.cleanup?.(s);
  }
}

describe("bad input", () => {
  it("the production-mode apps take a correctly signed request (their refusals below are not for every request)", async () => {
    const ts = Math.floor(Date.now() / 1000);
    const signed = await s.send("prodWorker", {
      path: "/api/inngest",
      headers: { "x-inngest-signature": signBody("", SECRETS.inngestSigningKey, ts) },
    });
    expect(signed.status, signed.body).toBe(200);
    expect(JSON.parse(signed.body)).toMatchObject({ mode: "cloud", authentication_succeeded: true });
    expectNoSecret(signed.body, "the signed introspection");
  });

  for (const row of rows) it(row.name, () => runRow(row));

  it(`after all ${rows.length} rows a customer is answered, an admin command works, and no log line shows a secret`, async () => {
    const from = phone(99);
    const sent = await s.send(
      "page",
      postJson("/sandbox/whatsapp/messages", { from, text: "hola", name: "Ana" }),
    );
    expect(sent.status, sent.body).toBe(202);
    await s.settle();
    const chat = (await (
      await fetch(`${s.urls.page}/sandbox/whatsapp/chats/${encodeURIComponent(from)}`)
    ).json()) as {
      messages: { direction: string; text: string }[];
    };
    expect(chat.messages.map((m) => m.direction)).toEqual(["in", ...chat.messages.slice(1).map(() => "out")]);
    expect(chat.messages.length).toBeGreaterThan(1);

    const list = await s.send(
      "page",
      postJson("/sandbox/slack/commands", { command: "/automation", text: "list", userId: ADMIN }),
    );
    expect(JSON.parse(list.body)).toMatchObject({
      status: 200,
      response: expect.stringMatching(/^\*Automations\*/),
    });
    await expectStillAnswers();
    expectCleanLog(s.logs(), "the whole log");
  });
});
