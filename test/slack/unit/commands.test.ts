// Pure rules behind the slash commands: parsing, closest names, roles.
import { describe, expect, it } from "vitest";
import { canDecideOrders, deciders, isAdmin } from "../../../slack/access/roles.js";
import { closestNames, editDistance } from "../../../slack/commands/closest-names.js";
import {
  echo,
  parseAutomationCommand,
  parseBotCommand,
  parseOrdersCommand,
} from "../../../slack/commands/parse.js";

describe("parseAutomationCommand", () => {
  it("reads every form, case-insensitively, and refuses the rest with the reason", () => {
    expect(parseAutomationCommand("list")).toEqual({ kind: "list" });
    expect(parseAutomationCommand("  Status   welcome ")).toEqual({ kind: "status", name: "welcome" });
    expect(parseAutomationCommand("ENABLE welcome")).toEqual({ kind: "enable", name: "welcome" });
    expect(parseAutomationCommand("disable welcome")).toEqual({ kind: "disable", name: "welcome" });
    expect(parseAutomationCommand("")).toEqual({ kind: "usage" });
    expect(parseAutomationCommand("help")).toEqual({ kind: "usage" });
    expect(parseAutomationCommand("enable")).toMatchObject({
      kind: "usage",
      problem: expect.stringMatching(/needs/),
    });
    expect(parseAutomationCommand("enable a b")).toMatchObject({
      kind: "usage",
      problem: expect.stringMatching(/spaces/),
    });
    expect(parseAutomationCommand("delete x")).toMatchObject({
      kind: "usage",
      problem: expect.stringMatching(/unknown/),
    });
  });

  it("keeps operators and patterns as the text they are", () => {
    expect(parseAutomationCommand('enable {"$ne":null}')).toEqual({ kind: "enable", name: '{"$ne":null}' });
    expect(parseAutomationCommand("status .*")).toEqual({ kind: "status", name: ".*" });
  });
});

describe("parseAutomationCommand: runs and test", () => {
  it("runs: a name and an optional count (default 5, 1 to 20)", () => {
    expect(parseAutomationCommand("runs tag-new-leads")).toEqual({
      kind: "runs",
      name: "tag-new-leads",
      count: 5,
    });
    expect(parseAutomationCommand(" RUNS  tag-new-leads  20 ")).toEqual({
      kind: "runs",
      name: "tag-new-leads",
      count: 20,
    });
    expect(parseAutomationCommand("runs tag-new-leads 1")).toMatchObject({ kind: "runs", count: 1 });
    expect(parseAutomationCommand("runs")).toEqual({
      kind: "usage",
      problem: "`runs` needs an automation name",
    });
    for (const bad of ["0", "21", "-3", "2.5", "five", "1e1", "99999999999999999999"])
      expect(parseAutomationCommand(`runs tag-new-leads ${bad}`)).toEqual({
        kind: "usage",
        problem: `the number of runs must be a whole number from 1 to 20, not \`${bad.slice(0, 60)}${bad.length > 60 ? "…" : ""}\``,
      });
    expect(parseAutomationCommand("runs tag new leads")).toMatchObject({
      kind: "usage",
      problem: expect.stringMatching(/at most a number/),
    });
  });

  it("test: a name and a phone written any usual way; anything else is refused with the reason", () => {
    expect(parseAutomationCommand("test tag-new-leads +52 1 555 000 1234", "52")).toEqual({
      kind: "test",
      name: "tag-new-leads",
      phone: "+5215550001234",
    });
    expect(parseAutomationCommand("TEST tag-new-leads 5550001234", "52")).toEqual({
      kind: "test",
      name: "tag-new-leads",
      phone: "+525550001234",
    });
    expect(parseAutomationCommand("test")).toMatchObject({
      kind: "usage",
      problem: expect.stringMatching(/needs an automation name and the customer's phone/),
    });
    expect(parseAutomationCommand("test tag-new-leads", "52")).toEqual({
      kind: "usage",
      problem: "`test` needs the customer's phone number",
    });
    expect(parseAutomationCommand("test tag-new-leads call-me", "52")).toEqual({
      kind: "usage",
      problem: "`call-me` is not a phone number",
    });
    // Without a default country code a short number cannot be placed.
    expect(parseAutomationCommand("test tag-new-leads 5550001234")).toMatchObject({ kind: "usage" });
  });

  it("keeps operators, patterns and long text as text", () => {
    expect(parseAutomationCommand("runs $where 3")).toEqual({ kind: "runs", name: "$where", count: 3 });
    expect(parseAutomationCommand("test (a+)+$ +5215550001234")).toEqual({
      kind: "test",
      name: "(a+)+$",
      phone: "+5215550001234",
    });
    expect(parseAutomationCommand('test x {"$ne":null}', "52")).toEqual({
      kind: "usage",
      problem: '`{"$ne":null}` is not a phone number',
    });
    const long = "9".repeat(5_000);
    const parsed = parseAutomationCommand(`test x ${long}`, "52");
    expect(parsed).toEqual({ kind: "usage", problem: `\`${"9".repeat(60)}…\` is not a phone number` });
    expect(parseAutomationCommand(`runs x ${long}`)).toMatchObject({ kind: "usage" });
  });
});

describe("parseOrdersCommand / parseBotCommand", () => {
  it("orders: only `pending`", () => {
    expect(parseOrdersCommand("pending")).toEqual({ kind: "pending" });
    expect(parseOrdersCommand(" PENDING ")).toEqual({ kind: "pending" });
    expect(parseOrdersCommand("")).toEqual({ kind: "usage" });
    expect(parseOrdersCommand("pending now")).toMatchObject({ kind: "usage" });
  });

  it("bot: pause/resume a phone number written any usual way", () => {
    expect(parseBotCommand("pause +52 1 555 000 1234", "52")).toEqual({
      kind: "pause",
      phone: "+5215550001234",
    });
    expect(parseBotCommand("resume 5550001234", "52")).toEqual({ kind: "resume", phone: "+525550001234" });
    expect(parseBotCommand("pause", "52")).toMatchObject({
      kind: "usage",
      problem: expect.stringMatching(/phone/),
    });
    expect(parseBotCommand("pause call-me", "52")).toMatchObject({
      kind: "usage",
      problem: expect.stringMatching(/not a phone/),
    });
    expect(parseBotCommand("stop +5215550001", "52")).toMatchObject({ kind: "usage" });
  });

  it("echo shortens long input and neutralizes backticks", () => {
    expect(echo("a`b")).toBe("a'b");
    expect(echo("y".repeat(200))).toBe(`${"y".repeat(60)}…`);
  });
});

describe("closestNames", () => {
  const known = [
    "tag-new-leads",
    "tag-customers-on-approval",
    "notify-team-on-rejection",
    "price-keyword-reply",
  ];
  it("finds the names nearest to a typo or a fragment", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(closestNames("tag-new-lead", known)[0]).toBe("tag-new-leads");
    expect(closestNames("price", known)[0]).toBe("price-keyword-reply");
    expect(closestNames("notify", known, 1)).toEqual(["notify-team-on-rejection"]);
  });
  it("answers for anything typed, even very long text, with at most `limit` names", () => {
    expect(closestNames("x".repeat(10_000), known)).toHaveLength(3);
    expect(closestNames(".*", [])).toEqual([]);
  });
});

describe("roles", () => {
  const roles = { adminUserIds: ["UADMIN"], approverUserIds: ["UAPPR", "UADMIN"] };
  it("admins may decide orders too; others may not", () => {
    expect(isAdmin(roles, "UADMIN")).toBe(true);
    expect(isAdmin(roles, "UAPPR")).toBe(false);
    expect(canDecideOrders(roles, "UAPPR")).toBe(true);
    expect(canDecideOrders(roles, "UADMIN")).toBe(true);
    expect(canDecideOrders(roles, "UOTHER")).toBe(false);
    expect(deciders(roles)).toEqual(["UAPPR", "UADMIN"]);
  });
});
