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
