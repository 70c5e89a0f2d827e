// Every form of /automation, /orders and /bot as people type them in the simulated workspace,
// through the real Bolt app: the right people get answers, everyone else a clear refusal (audited),
// bad arguments the usage, unknown names the closest ones; "$" operators, regex characters and very
// long arguments are only text.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultAutomationSeed } from "../../shared/db/index.js";
import { eventually, nextPhone, startSlackHarness, type SlackHarness } from "./support/slack-harness.js";

let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness();
  await h.db.automations.seedAutomations(defaultAutomationSeed(), { kind: "system", id: "seed" });
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

const as = (who: "admin" | "approver" | "member", command: string, text: string) =>
  h.workspace.command({ command, text, userId: h.workspace.users[who].id }).then((r) => {
    expect(r.status).toBe(200);
    return r.response;
  });

describe("/automation (admins only)", () => {
  it("refuses an approver and a member, and audits the attempt", async () => {
    expect(await as("approver", "/automation", "disable tag-new-leads")).toMatch(
      /Only admins can run `\/automation`/,
    );
    expect(await as("member", "/automation", "list")).toMatch(/Only admins/);
    const refused = (await h.db.audit.listRecent(50)).filter(
      (e) => e.action === "automation.command_refused",
    );
    expect(refused.map((e) => e.actor.id).sort()).toEqual(
      [h.workspace.users.approver.id, h.workspace.users.member.id].sort(),
    );
  });

  it("bad arguments get the usage with the specific problem", async () => {
    expect(await as("admin", "/automation", "")).toMatch(/^Usage: `\/automation list`/);
    expect(await as("admin", "/automation", "frobnicate x")).toMatch(
      /Unknown subcommand `frobnicate`[\s\S]*Usage/,
    );
    expect(await as("admin", "/automation", "enable")).toMatch(
      /`enable` needs an automation name[\s\S]*Usage/,
    );
    expect(await as("admin", "/automation", "disable tag new leads")).toMatch(/no spaces[\s\S]*Usage/);
    expect(await as("admin", "/automation", "list everything")).toMatch(/takes no name[\s\S]*Usage/);
  });

  it("list and status say what is on, who changed it and when", async () => {
    const list = await as("admin", "/automation", "list");
    for (const name of [
      "follow-up-after-approval",
      "notify-sales-big-order",
      "reactivate-inactive-30d",
      "tag-new-leads",
      "tag-wholesale-interest",
    ])
      expect(list).toContain(`\`${name}\``);
    expect(await as("admin", "/automation", "status reactivate-inactive-30d")).toMatch(
      /`reactivate-inactive-30d` is disabled/,
    );
  });

  it("enable and disable: one atomic change with who and when, an audit entry and the toggle event; a repeat changes nothing", async () => {
    const admin = h.workspace.users.admin.id;
    const enabled = await as("admin", "/automation", "enable reactivate-inactive-30d");
    expect(enabled).toMatch(
      new RegExp(`\`reactivate-inactive-30d\` is now enabled by <@${admin}> at \\d{2}:\\d{2}`),
    );
    const doc = await h.db.automations.getByName("reactivate-inactive-30d");
    expect(doc).toMatchObject({ enabled: true, enabledBy: { kind: "slack_user", id: admin } });
    const again = await as("admin", "/automation", "ENABLE reactivate-inactive-30d");
    expect(again).toMatch(
      new RegExp(`was already enabled by <@${admin}> at \\d{2}:\\d{2}\\. Nothing changed`),
    );
    expect(await as("admin", "/automation", "status reactivate-inactive-30d")).toMatch(/is enabled by/);
    expect(await as("admin", "/automation", "disable reactivate-inactive-30d")).toMatch(/is now disabled by/);

    const audit = await h.db.audit.listForSubject("automation", "reactivate-inactive-30d");
    expect(audit.map((e) => e.action)).toEqual(["automation.disabled", "automation.enabled"]);
    const toggles = await eventually(
      () => {
        const t = h.slackEvents.filter((e) => e.name === "automation/definition.toggled");
        return t.length >= 2 ? t : undefined;
      },
      10_000,
      "two toggle events",
    );
    expect(toggles.map((e) => [e.data["automationName"], e.data["enabled"], e.data["by"]])).toEqual([
      ["reactivate-inactive-30d", true, admin],
      ["reactivate-inactive-30d", false, admin],
    ]);
  });

  it("an unknown name gets the closest names; $-operators, regex characters and long arguments are just text", async () => {
    expect(await as("admin", "/automation", "enable tag-new-lead")).toMatch(
      /no automation named `tag-new-lead`\. Closest names: `tag-new-leads`/,
    );
    expect(await as("admin", "/automation", "status wholesale")).toMatch(
      /Closest names:.*`tag-wholesale-interest`/,
    );
    for (const weird of ["$where", '{"$ne":null}', ".*", "tag-.*", "(a+)+$"]) {
      const answer = await as("admin", "/automation", `disable ${weird}`);
      expect(answer).toMatch(/There is no automation named/);
      expect(answer).toMatch(/Closest names/);
    }
    const long = "x".repeat(5_000);
    const answer = await as("admin", "/automation", `enable ${long}`);
    expect(answer).toMatch(/There is no automation named `x{60}…`/);
    expect(answer.length).toBeLessThan(400);
    // Nothing was switched by any of them: the seeded ones are on, the inactive-contact one is off.
    expect(
      (await h.db.automations.list())
        .filter((a) => a.enabled)
        .map((a) => a.name)
        .sort(),
    ).toEqual([
      "follow-up-after-approval",
      "notify-sales-big-order",
      "tag-new-leads",
      "tag-wholesale-interest",
    ]);
  });
});

describe("/orders (approvers and admins)", () => {
  it("refuses a member; bad arguments get the usage", async () => {
    expect(await as("member", "/orders", "pending")).toMatch(/Only approvers and admins can run `\/orders`/);
    expect(await as("approver", "/orders", "")).toMatch(/^Usage: `\/orders pending`/);
    expect(await as("approver", "/orders", "all")).toMatch(/Unknown arguments `all`[\s\S]*Usage/);
  });

  it("pending: orders waiting for approval, oldest first, linked to their cards", async () => {
    expect(await as("admin", "/orders", "pending")).toBe("No orders are waiting for approval.");
    const first = await h.createOrder("default", nextPhone(), "Berta Uno");
    await h.announceOrder(first);
    const firstCard = await h.cardOf(first._id);
    const second = await h.createOrder("default", nextPhone(), "Carla Dos");
    await h.announceOrder(second);
    await h.cardOf(second._id);
    const answer = await as("approver", "/orders", "pending");
    expect(answer).toMatch(/Orders waiting for approval\* \(2, oldest first\)/);
    expect(answer.indexOf(first._id)).toBeLessThan(answer.indexOf(second._id));
    expect(answer).toContain("Berta Uno");
    const link = /<(https:\/\/[^|>]+)\|/.exec(answer)?.[1];
    expect(link).toContain(firstCard.channel);
    expect(link).toContain(firstCard.ts.replace(".", ""));
  });
});

describe("/bot (approvers and admins)", () => {
  it("refuses a member; bad arguments get the usage", async () => {
    expect(await as("member", "/bot", "pause +5215550001")).toMatch(
      /Only approvers and admins can run `\/bot`/,
    );
    expect(await as("approver", "/bot", "")).toMatch(/^Usage: `\/bot pause <phone>`/);
    expect(await as("approver", "/bot", "sleep +5215550001")).toMatch(/Unknown subcommand `sleep`/);
    expect(await as("approver", "/bot", "pause")).toMatch(/needs the customer's phone number/);
    expect(await as("approver", "/bot", "pause $where")).toMatch(/`\$where` is not a phone number/);
    expect(await as("approver", "/bot", "resume +52 1 555 999 0000")).toBe(
      "No WhatsApp conversation with +5215559990000.",
    );
  });

  it("pause hands the conversation to a person (mode handoff, audited); resume gives it back; repeats change nothing", async () => {
    const phone = nextPhone();
    const order = await h.createOrder("default", phone);
    const conversationId = order.conversationId;
    // Written the way people write numbers.
    const spaced = `${phone.slice(0, 3)} ${phone.slice(3, 4)} ${phone.slice(4, 7)} ${phone.slice(7)}`;
    expect(await as("approver", "/bot", `pause ${spaced}`)).toMatch(
      new RegExp(`Paused the bot for \\${phone}`),
    );
    expect((await h.db.conversations.getById(conversationId))?.mode).toBe("handoff");
    expect(await as("admin", "/bot", `pause ${phone}`)).toMatch(/already paused/);

    expect(await as("admin", "/bot", `resume ${phone}`)).toMatch(/answers \+\d+ again \(mode greeting\)/);
    // Back to the mode it had when the person took over.
    expect((await h.db.conversations.getById(conversationId))?.mode).toBe("greeting");
    expect(await as("approver", "/bot", `resume ${phone}`)).toMatch(/not paused/);

    const audit = await h.db.audit.listForSubject("conversation", conversationId);
    expect(audit.map((e) => e.action)).toEqual(["conversation.resumed", "conversation.paused"]);
    const seen = await eventually(
      () => {
        const m = h.agentEvents.filter(
          (e) => e.name === "agent/mode.changed" && e.data["conversationId"] === conversationId,
        );
        return m.length >= 2 ? m : undefined;
      },
      10_000,
      "two mode changes",
    );
    expect(seen.map((e) => [e.data["from"], e.data["to"]])).toEqual([
      ["greeting", "handoff"],
      ["handoff", "greeting"],
    ]);
  });
});
