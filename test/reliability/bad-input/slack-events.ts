// /slack/events on the web (Slack side) server, as a stranger or a replaying attacker would call it:
// only a request signed with the signing secret within 5 minutes is taken, and a replay of one that
// was taken changes nothing more.
import { expect } from "vitest";
import { slackSignature } from "../../../sandbox/slack/delivery.js";
import { slashCommandBody } from "../../support/slash-command.js";
import type { BadInputStack, RawRequest } from "../support/bad-input-stack.js";
import { bareRefusal, MB, type Row, type RowOutcome } from "./rows.js";
import { ADMIN } from "./slack-api.js";

const EVENTS = "/slack/events";
const FORM = "application/x-www-form-urlencoded";
const now = () => Math.floor(Date.now() / 1000);

function slashCommand(s: BadInputStack, userId: string, command: string, text: string): string {
  return slashCommandBody(userId, command, text, s.responses.url);
}

/** The request as Slack sends it: signed with `secret` (default the workspace's) at `ts`. */
function signed(
  s: BadInputStack,
  body: string,
  options: { secret?: string; ts?: number; contentType?: string; signedBody?: string } = {},
): RawRequest {
  const ts = options.ts ?? now();
  return {
    method: "POST",
    path: EVENTS,
    headers: {
      "content-type": options.contentType ?? FORM,
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": slackSignature(
        options.secret ?? s.slack.signingSecret,
        ts,
        options.signedBody ?? body,
      ),
    },
    body,
  };
}

/** The automation a replayed admin command enables (disabled in the seed, put back afterwards). */
const TOGGLED = "reactivate-inactive-30d";
let captured: RawRequest | undefined;

async function enableOnce(s: BadInputStack): Promise<void> {
  captured = signed(s, slashCommand(s, ADMIN, "/automation", `enable ${TOGGLED}`));
  const first = await s.send("web", captured);
  if (first.status !== 200) throw new Error(`setup: the first delivery got ${first.status}`);
  await s.responses.next();
}

function blockAction(value: unknown): string {
  const payload = {
    type: "block_actions",
    team: { id: "T0SANDBOX", domain: "sandbox-workspace" },
    user: { id: ADMIN, username: "ada.admin", team_id: "T0SANDBOX" },
    api_app_id: "A0SANDBOX",
    token: "x",
    container: { type: "message", message_ts: "1700000000.000100", channel_id: "C0APPROVALS" },
    trigger_id: "1.2.3",
    channel: { id: "C0APPROVALS", name: "approvals" },
    message: { type: "message", ts: "1700000000.000100", text: "order", blocks: [] },
    response_url: "http://127.0.0.1:9/none",
    actions: [
      { type: "button", action_id: "order_approve", block_id: "b0", value, action_ts: "1700000001.000200" },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

const notAllowed = (o: RowOutcome) => bareRefusal(401)(o);

export const slackEventRows: Row[] = [
  {
    name: "/slack/events: an unsigned slash command",
    target: "web",
    request: (s) => ({
      method: "POST",
      path: EVENTS,
      headers: { "content-type": FORM },
      body: slashCommand(s, ADMIN, "/automation", `enable ${TOGGLED}`),
    }),
    expect: notAllowed,
  },
  {
    name: "/slack/events: signed with another secret (forged)",
    target: "web",
    request: (s) =>
      signed(s, slashCommand(s, ADMIN, "/automation", `enable ${TOGGLED}`), {
        secret: "0123456789abcdef0123456789abcdef",
      }),
    expect: notAllowed,
  },
  {
    name: "/slack/events (production): signed with the sandbox's development secret",
    target: "prodWeb",
    request: (s) => signed(s, slashCommand(s, ADMIN, "/automation", `enable ${TOGGLED}`)),
    expect: notAllowed,
  },
  {
    name: "/slack/events: a signed request replayed 6 minutes later",
    target: "web",
    request: (s) =>
      signed(s, slashCommand(s, ADMIN, "/automation", `enable ${TOGGLED}`), { ts: now() - 360 }),
    expect: notAllowed,
  },
  {
    name: "/slack/events: a valid signature over another body (tampered)",
    target: "web",
    request: (s) =>
      signed(s, slashCommand(s, ADMIN, "/automation", `enable ${TOGGLED}`), {
        signedBody: slashCommand(s, ADMIN, "/automation", "list"),
      }),
    expect: notAllowed,
  },
  {
    name: "/slack/events: a garbage signature and a timestamp that is no number",
    target: "web",
    request: (s) => ({
      method: "POST",
      path: EVENTS,
      headers: { "content-type": FORM, "x-slack-request-timestamp": "soon", "x-slack-signature": "v0=zz" },
      body: slashCommand(s, ADMIN, "/automation", "list"),
    }),
    expect: notAllowed,
  },
  {
    name: "/slack/events: a signed admin command replayed within 5 minutes",
    setup: enableOnce,
    target: "web",
    request: () => captured!,
    expect: async (o) => {
      expect(o.answer!.status).toBe(200);
      expect(await o.s.responses.next()).toMatch(
        new RegExp(`^\`${TOGGLED}\` was already enabled by .*Nothing changed\\.$`),
      );
    },
    cleanup: async (s) => {
      await s.sandbox.db.automations.setEnabled(TOGGLED, false, { kind: "system", id: "bad-input-test" });
    },
  },
  {
    name: "/slack/events: signed, but the JSON body is malformed",
    target: "web",
    request: (s) => signed(s, '{"type": "event_callback", ', { contentType: "application/json" }),
    expect: bareRefusal(400),
  },
  {
    name: "/slack/events: signed, but the payload field is not JSON",
    target: "web",
    request: (s) => signed(s, new URLSearchParams({ payload: "{not json" }).toString()),
    expect: bareRefusal(400),
  },
  {
    name: "/slack/events: a 1 MB unsigned body",
    target: "web",
    request: {
      method: "POST",
      path: EVENTS,
      headers: { "content-type": FORM },
      body: `text=${"x".repeat(MB)}`,
    },
    expect: notAllowed,
  },
  {
    name: "/slack/events: a 20 MB body",
    target: "web",
    request: (s) => signed(s, `text=${"x".repeat(20 * MB)}`),
    expect: bareRefusal(413),
  },
  {
    name: "/slack/events: Content-Encoding gzip with a body that is not gzip",
    target: "web",
    request: (s) => ({
      method: "POST",
      path: EVENTS,
      headers: { "content-type": FORM, "content-encoding": "gzip" },
      body: `\x1f\x8b${slashCommand(s, ADMIN, "/automation", "list")}`,
    }),
    expect: notAllowed,
  },
  {
    name: '/slack/events: an admin\'s signed Approve click whose value is {"$gt": ""}',
    target: "web",
    request: (s) => signed(s, blockAction({ $gt: "" })),
    expect: (o) => expect(o.answer!.status).toBe(200),
    writes: { in: ["slack_sim_ephemeral"], check: () => {} },
  },
  {
    name: "/slack/events: a signed message event whose text and thread are operator objects",
    target: "web",
    request: (s) =>
      signed(
        s,
        JSON.stringify({
          type: "event_callback",
          team_id: "T0SANDBOX",
          api_app_id: "A0SANDBOX",
          event_id: "Ev0BADINPUT1",
          event_time: now(),
          event: {
            type: "message",
            channel: "C0HANDOFF",
            user: "U0SANDAPPROVER",
            text: { $gt: "" },
            ts: "1700000002.000300",
            thread_ts: { $ne: null },
          },
        }),
        { contentType: "application/json" },
      ),
    expect: (o) => expect(o.answer!.status).toBe(200),
  },
];
