// The simulated Slack workspace's API on the sandbox page server, and through it the real Bolt app's
// slash commands: bad bodies are refused; arguments with operators and regexes are only ever text
// compared with known names; a person without the role is refused, and only the refusal is recorded.
import { expect } from "vitest";
import { ADMINS_ONLY_TEXT } from "../../../slack/commands/automation-texts.js";
import { APPROVERS_ONLY_TEXT } from "../../../slack/commands/orders-texts.js";
import { added, bigJson, commandAnswer, jsonError, MB, postJson, type Row, type RowOutcome } from "./rows.js";

export const ADMIN = "U0SANDADMIN";
export const APPROVER = "U0SANDAPPROVER";
export const MEMBER = "U0SANDMEMBER";

const COMMANDS = "/sandbox/slack/commands";
const command = (command: string, text: string, userId = ADMIN) =>
  postJson(COMMANDS, { command, text, userId });

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The simulated workspace opens a person's DM with the bot the first time they run a command there. */
function onlyDirectMessagesOpened(o: RowOutcome): void {
  for (const channel of added(o, "slack_sim_channels"))
    expect(channel).toMatchObject({ dmUser: expect.any(String) });
}

/** What a refused slash command leaves: exactly one audit entry naming who tried what. */
function refusalRecorded(userId: string, attempted: string) {
  return {
    in: ["audit_log", "slack_sim_ephemeral", "slack_sim_channels"],
    check(o: RowOutcome) {
      onlyDirectMessagesOpened(o);
      expect(added(o, "audit_log")).toEqual([
        expect.objectContaining({
          actor: { kind: "slack_user", id: userId },
          action: expect.stringMatching(/refused/),
          details: { attempted },
        }),
      ]);
    },
  };
}

/** An answer only the person sees; nothing else is written. */
const onlyTheAnswer = { in: ["slack_sim_ephemeral", "slack_sim_channels"], check: onlyDirectMessagesOpened };

const unknownName = (typed: string) =>
  commandAnswer(new RegExp(`^There is no automation named \`${escape(typed)}\`\\. Closest names: `));

export const slackApiRows: Row[] = [
  {
    name: "Slack API: malformed JSON",
    target: "page",
    request: postJson(COMMANDS, '{"command": "/automation", "text": '),
    expect: jsonError(400, /^body is not valid JSON$/),
  },
  {
    name: "Slack API: userId missing",
    target: "page",
    request: postJson(COMMANDS, { command: "/automation", text: "list" }),
    expect: jsonError(400, /^userId must be a string$/),
  },
  {
    name: "Slack API: a userId nobody has",
    target: "page",
    request: command("/automation", "list", "U0NOBODY"),
    expect: jsonError(400, /^userId "U0NOBODY" is not a person in the sandbox workspace$/),
  },
  {
    name: 'Slack API: userId is an operator object {"$gt": ""}',
    target: "page",
    request: postJson(COMMANDS, { command: "/automation", text: "list", userId: { $gt: "" } }),
    expect: jsonError(400, /^userId must be a string$/),
  },
  {
    name: "Slack API: a command with shell characters",
    target: "page",
    request: command("/automation; rm -rf /", "list"),
    expect: jsonError(400, /^command must be a slash command like "\/automation"$/),
  },
  {
    name: "Slack API: a 1 MB command text",
    target: "page",
    request: postJson(
      COMMANDS,
      bigJson(MB, { command: "/automation", userId: ADMIN }).replace('"pad"', '"text"'),
    ),
    expect: jsonError(400, /^text is too long$/),
  },
  {
    name: "Slack API: command text with a lone surrogate",
    target: "page",
    request: postJson(COMMANDS, `{"command": "/automation", "text": "status \\udc00", "userId": "${ADMIN}"}`),
    expect: jsonError(400, /^text must be valid Unicode text \(it has a lone surrogate\)$/),
  },
  {
    name: "Slack API: Content-Encoding gzip with a body that is not gzip",
    target: "page",
    request: postJson(COMMANDS, "not gzip", { "content-encoding": "gzip" }),
    expect: jsonError(400, /^body could not be decompressed/),
  },
  {
    name: "Slack API: charset=latin1",
    target: "page",
    request: postJson(
      COMMANDS,
      { command: "/automation", text: "list", userId: ADMIN },
      { "content-type": "application/json; charset=latin1" },
    ),
    expect: jsonError(415, /^unsupported charset/),
  },
  {
    name: "Slack API: a 20 MB message",
    target: "page",
    request: postJson(
      "/sandbox/slack/messages",
      bigJson(20 * MB, { channel: "ops", userId: ADMIN }).replace('"pad"', '"text"'),
    ),
    expect: jsonError(413, /^body is too large$/),
  },
  {
    name: "Slack API: a message with emoji, RTL and NUL",
    target: "page",
    request: postJson("/sandbox/slack/messages", {
      channel: "ops",
      text: "listo ✅ ‮olleh‬ \u0000fin",
      userId: APPROVER,
    }),
    expect: ({ answer }) => {
      expect(answer!.status, answer!.body).toBe(200);
      expect(JSON.parse(answer!.body)).toEqual({ ts: expect.stringMatching(/^\d+\.\d+$/) });
    },
    writes: {
      in: ["slack_sim_messages"],
      check(o) {
        expect(added(o, "slack_sim_messages")).toEqual([
          expect.objectContaining({ text: "listo ✅ ‮olleh‬ \u0000fin", user: APPROVER }),
        ]);
      },
    },
  },
  {
    name: "Slack API: a click on a ts that is a path",
    target: "page",
    request: postJson("/sandbox/slack/actions", {
      channel: "approvals",
      ts: "../../etc/passwd",
      actionId: "order_approve",
      userId: ADMIN,
    }),
    expect: jsonError(400, /^ts must be a Slack timestamp like 1700000000\.000100$/),
  },
  {
    name: "Slack API: a click in a channel that does not exist",
    target: "page",
    request: postJson("/sandbox/slack/actions", {
      channel: "C0NOWHERE",
      ts: "1700000000.000100",
      actionId: "order_approve",
      userId: ADMIN,
    }),
    expect: jsonError(404, /channel/),
  },
  {
    name: "Slack API: a modal submission whose values are not text",
    target: "page",
    request: postJson("/sandbox/slack/views/submit", {
      viewId: "V0NONE",
      values: { reason: { reason_input: { $gt: "" } } },
      userId: ADMIN,
    }),
    expect: jsonError(400, /^each value must be a string$/),
  },
  {
    name: "Slack API: ?channel[$ne]= instead of a channel",
    target: "page",
    request: { path: "/sandbox/slack/messages?channel[$ne]=x" },
    expect: jsonError(400, /^channel query parameter is required/),
  },
  {
    name: "Slack API: ?channel=../../etc/passwd",
    target: "page",
    request: { path: "/sandbox/slack/messages?channel=..%2F..%2Fetc%2Fpasswd" },
    expect: jsonError(404, /^no channel "\.\.\/\.\.\/etc\/passwd" in the sandbox workspace$/),
  },
];

export const slashCommandRows: Row[] = [
  {
    name: '/automation status {"$gt":""} (an operator as the name)',
    target: "page",
    request: command("/automation", 'status {"$gt":""}'),
    expect: unknownName('{"$gt":""}'),
    writes: onlyTheAnswer,
  },
  {
    name: "/automation enable .* (a regex as the name)",
    target: "page",
    request: command("/automation", "enable .*"),
    expect: unknownName(".*"),
    writes: onlyTheAnswer,
  },
  {
    name: "/automation disable ^tag-.*$ (an anchored regex)",
    target: "page",
    request: command("/automation", "disable ^tag-.*$"),
    expect: unknownName("^tag-.*$"),
    writes: onlyTheAnswer,
  },
  {
    name: "/automation disable $where",
    target: "page",
    request: command("/automation", "disable $where"),
    expect: unknownName("$where"),
    writes: onlyTheAnswer,
  },
  {
    name: "/automation runs tag-new-leads 1e9",
    target: "page",
    request: command("/automation", "runs tag-new-leads 1e9"),
    expect: commandAnswer(/^The number of runs must be a whole number from 1 to 20, not `1e9`\.\nUsage: /),
    writes: onlyTheAnswer,
  },
  {
    name: "/automation test tag-new-leads .* (a regex as the phone)",
    target: "page",
    request: command("/automation", "test tag-new-leads .*"),
    expect: commandAnswer(/^`\.\*` is not a phone number\.\nUsage: /),
    writes: onlyTheAnswer,
  },
  {
    name: '/bot pause {"$ne":null}',
    target: "page",
    request: command("/bot", 'pause {"$ne":null}'),
    expect: commandAnswer(/^`\{"\$ne":null\}` is not a phone number\.\nUsage: `\/bot pause <phone>`/),
    writes: onlyTheAnswer,
  },
  {
    name: "/orders pending ^.*$",
    target: "page",
    request: command("/orders", "pending ^.*$", APPROVER),
    expect: commandAnswer(/^Unknown arguments `pending \^\.\*\$`\.\nUsage: `\/orders pending`/),
    writes: onlyTheAnswer,
  },
  {
    name: "/automation disable no-such-automation (an unknown name)",
    target: "page",
    request: command("/automation", "disable no-such-automation"),
    expect: unknownName("no-such-automation"),
    writes: onlyTheAnswer,
  },
  {
    name: "/automation runs no-such-automation (an unknown name)",
    target: "page",
    request: command("/automation", "runs no-such-automation"),
    expect: unknownName("no-such-automation"),
    writes: onlyTheAnswer,
  },
  {
    name: "/automation status with emoji and a RTL override as the name",
    target: "page",
    request: command("/automation", "status 🔥‮evil"),
    expect: unknownName("🔥‮evil"),
    writes: onlyTheAnswer,
  },
  {
    name: "/automation status with a 3,990-character name",
    target: "page",
    request: command("/automation", `status ${"a".repeat(3990)}`),
    expect: commandAnswer(/^There is no automation named `a{60}…`\./),
    writes: onlyTheAnswer,
  },
  {
    name: "a member runs /automation disable tag-new-leads",
    target: "page",
    request: command("/automation", "disable tag-new-leads", MEMBER),
    expect: commandAnswer(new RegExp(`^${escape(ADMINS_ONLY_TEXT)}$`)),
    writes: refusalRecorded(MEMBER, "/automation disable tag-new-leads"),
  },
  {
    name: "an approver runs /automation enable reactivate-inactive-30d",
    target: "page",
    request: command("/automation", "enable reactivate-inactive-30d", APPROVER),
    expect: commandAnswer(new RegExp(`^${escape(ADMINS_ONLY_TEXT)}$`)),
    writes: refusalRecorded(APPROVER, "/automation enable reactivate-inactive-30d"),
  },
  {
    name: "a member runs /bot pause <phone>",
    target: "page",
    request: command("/bot", "pause +5215550199", MEMBER),
    expect: commandAnswer(new RegExp(`^${escape(APPROVERS_ONLY_TEXT("/bot"))}$`)),
    writes: refusalRecorded(MEMBER, "/bot"),
  },
  {
    name: "a member runs /orders pending",
    target: "page",
    request: command("/orders", "pending", MEMBER),
    expect: commandAnswer(new RegExp(`^${escape(APPROVERS_ONLY_TEXT("/orders"))}$`)),
    writes: refusalRecorded(MEMBER, "/orders pending"),
  },
];
