// Table tests of the pure evaluation: conditions (every operator, groups with AND/OR), variables,
// trigger configs, and the regex guards.
import { describe, expect, it } from "vitest";
import type { Condition, Conditions } from "../../../shared/domain/automations.js";
import { conditionSchema, triggerSchema } from "../../../shared/domain/automations.js";
import {
  evaluateCondition,
  evaluateConditions,
  type AutomationContext,
} from "../../../shared/domain/automations-conditions.js";
import { boundedRegexTest, checkSafeRegex } from "../../../shared/domain/automations-regex.js";
import { matchTrigger } from "../../../shared/domain/automations-triggers.js";
import { renderTemplate } from "../../../shared/domain/automations-variables.js";

const context: AutomationContext = {
  contact: {
    id: "ct_1",
    name: "Ana López",
    phone: "+5215550001",
    tags: ["lead", "mayoreo"],
    stage: "nuevo",
    fields: { origen: "Facebook" },
    city: "León",
  },
  conversation: { id: "cv_1", mode: "promos", optedOut: false },
  order: { id: "ORD-1", totalMinor: 149_900, total: "$1,499.00 MXN", status: "pending_approval" },
  event: { name: "whatsapp/message.received", text: "Hola, ¿tienen precio de MAYOREO?", count: "7" },
};

const rule = (raw: unknown): Condition => conditionSchema.parse(raw);

describe("condition operators", () => {
  const table: [string, unknown, boolean][] = [
    ["equals (case-insensitive text)", { field: "contact.city", op: "equals", value: "león" }, true],
    ["equals on a list holds the value", { field: "contact.tags", op: "equals", value: "lead" }, true],
    ["equals number", { field: "order.totalMinor", op: "equals", value: 149_900 }, true],
    ["equals numeric text with a number", { field: "event.count", op: "equals", value: 7 }, true],
    ["equals missing", { field: "contact.email", op: "equals", value: "x" }, false],
    ["not_equals", { field: "conversation.mode", op: "not_equals", value: "handoff" }, true],
    ["not_equals missing is true", { field: "contact.email", op: "not_equals", value: "x" }, true],
    ["contains text", { field: "event.text", op: "contains", value: "mayoreo" }, true],
    ["contains list", { field: "contact.tags", op: "contains", value: "MAYOREO" }, true],
    ["contains list, absent", { field: "contact.tags", op: "contains", value: "customer" }, false],
    ["not_contains", { field: "contact.tags", op: "not_contains", value: "customer" }, true],
    ["not_contains text present", { field: "event.text", op: "not_contains", value: "precio" }, false],
    ["starts_with", { field: "contact.phone", op: "starts_with", value: "+52" }, true],
    ["starts_with no", { field: "contact.name", op: "starts_with", value: "López" }, false],
    ["in", { field: "conversation.mode", op: "in", value: ["greeting", "promos"] }, true],
    ["in no", { field: "conversation.mode", op: "in", value: ["closed"] }, false],
    ["not_in", { field: "conversation.mode", op: "not_in", value: ["handoff", "opted_out"] }, true],
    ["gt", { field: "order.totalMinor", op: "gt", value: 100_000 }, true],
    ["gt equal is false", { field: "order.totalMinor", op: "gt", value: 149_900 }, false],
    ["gte", { field: "order.totalMinor", op: "gte", value: 149_900 }, true],
    ["lt", { field: "order.totalMinor", op: "lt", value: 100_000 }, false],
    ["lte", { field: "order.totalMinor", op: "lte", value: 149_900 }, true],
    ["gt on text that is not a number", { field: "contact.name", op: "gt", value: 1 }, false],
    ["gt on missing", { field: "order.discount", op: "gt", value: 0 }, false],
    ["exists", { field: "contact.fields.origen", op: "exists" }, true],
    ["exists empty list/missing", { field: "contact.fields.campana", op: "exists" }, false],
    ["not_exists", { field: "contact.email", op: "not_exists" }, true],
    [
      "matches",
      { field: "event.text", op: "matches", value: { pattern: "precios?\\s+de\\s+mayoreo" } },
      true,
    ],
    [
      "matches case-sensitive",
      { field: "event.text", op: "matches", value: { pattern: "mayoreo", flags: "" } },
      false,
    ],
    ["matches on missing", { field: "event.nothing", op: "matches", value: { pattern: "." } }, false],
    ["path through a non-object", { field: "contact.name.first", op: "exists" }, false],
  ];
  for (const [name, raw, expected] of table) {
    it(`${name} → ${expected}`, () => {
      expect(evaluateCondition(rule(raw), context).matched).toBe(expected);
    });
  }
});

describe("condition groups", () => {
  const yes = { field: "contact.tags", op: "contains", value: "lead" };
  const no = { field: "order.totalMinor", op: "lt", value: 1 };
  const conditions = (raw: unknown): Conditions => raw as Conditions;
  const table: [string, unknown, boolean][] = [
    ["no groups always match", { match: "all", groups: [] }, true],
    ["all groups, all rules", { match: "all", groups: [{ match: "all", rules: [yes, yes] }] }, true],
    ["a group of all with one false", { match: "all", groups: [{ match: "all", rules: [yes, no] }] }, false],
    ["a group of any with one true", { match: "all", groups: [{ match: "any", rules: [no, yes] }] }, true],
    [
      "AND of groups, one false",
      {
        match: "all",
        groups: [
          { match: "all", rules: [yes] },
          { match: "all", rules: [no] },
        ],
      },
      false,
    ],
    [
      "OR of groups, one true",
      {
        match: "any",
        groups: [
          { match: "all", rules: [no] },
          { match: "all", rules: [yes] },
        ],
      },
      true,
    ],
    [
      "OR of groups, none true",
      {
        match: "any",
        groups: [
          { match: "all", rules: [no] },
          { match: "any", rules: [no] },
        ],
      },
      false,
    ],
  ];
  for (const [name, raw, expected] of table) {
    it(`${name} → ${expected}`, () => {
      expect(evaluateConditions(conditions(raw), context).matched).toBe(expected);
    });
  }

  it("says which condition failed, with the value it saw", () => {
    const result = evaluateConditions(
      conditions({
        match: "all",
        groups: [{ match: "all", rules: [yes, { field: "order.totalMinor", op: "gt", value: 200_000 }] }],
      }),
      context,
    );
    expect(result).toEqual({ matched: false, failed: "group 1: order.totalMinor gt 200000 (was 149900)" });
  });
});

describe("variables", () => {
  const table: [string, string][] = [
    ["Hola {{contact.name}}", "Hola Ana López"],
    ["Total: {{order.total}}", "Total: $1,499.00 MXN"],
    ["{{ contact.fields.origen }}", "Facebook"],
    ["Etiquetas: {{contact.tags}}", "Etiquetas: lead, mayoreo"],
    ["Monto {{order.totalMinor}}", "Monto 149900"],
    ["Hola {{contact.apellido}}!", "Hola !"],
    ["{{contact}}", ""],
    ["{{order.id}} de {{nothing.at.all}}", "ORD-1 de"],
    ["sin variables", "sin variables"],
  ];
  for (const [template, expected] of table) {
    it(`${template} → ${JSON.stringify(expected)}`, () => {
      expect(renderTemplate(template, context)).toBe(expected);
    });
  }
});

describe("trigger configs", () => {
  const trigger = (raw: unknown) => triggerSchema.parse(raw);
  const table: [string, unknown, Record<string, unknown>, boolean][] = [
    [
      "keyword: whole word, any case, accents ignored",
      { type: "message.keyword", config: { words: ["precio"] } },
      { text: "¿Qué PRÉCIO tiene?" },
      true,
    ],
    [
      "keyword: not inside another word",
      { type: "message.keyword", config: { words: ["precio"] } },
      { text: "preciosa" },
      false,
    ],
    [
      "keyword: several words",
      { type: "message.keyword", config: { words: ["al por mayor"] } },
      { text: "venden al por mayor?" },
      true,
    ],
    [
      "keyword: regex",
      { type: "message.keyword", config: { regex: { pattern: "^info\\b" } } },
      { text: "Info por favor" },
      true,
    ],
    [
      "mode: to",
      { type: "conversation.mode_changed", config: { to: ["handoff"] } },
      { from: "promos", to: "handoff" },
      true,
    ],
    [
      "mode: from mismatch",
      { type: "conversation.mode_changed", config: { from: ["greeting"] } },
      { from: "promos", to: "handoff" },
      false,
    ],
    [
      "order status",
      { type: "order.status_changed", config: { statuses: ["approved"] } },
      { decision: "rejected" },
      false,
    ],
    ["order status any", { type: "order.status_changed" }, { decision: "expired" }, true],
    ["tag", { type: "tag.added", config: { tag: "vip" } }, { tag: "vip" }, true],
    ["tag other", { type: "tag.removed", config: { tag: "vip" } }, { tag: "lead" }, false],
    [
      "stage",
      { type: "stage.changed", config: { pipeline: "ventas", stage: "ganado" } },
      { pipeline: "ventas", stage: "ganado" },
      true,
    ],
    [
      "stage other pipeline",
      { type: "stage.changed", config: { pipeline: "ventas" } },
      { pipeline: "soporte", stage: "x" },
      false,
    ],
    ["field", { type: "field.changed", config: { field: "city" } }, { field: "city" }, true],
    ["inactive period", { type: "contact.inactive", config: { days: 30 } }, { days: 30 }, true],
    ["inactive other period", { type: "contact.inactive", config: { days: 30 } }, { days: 7 }, false],
  ];
  for (const [name, raw, data, expected] of table) {
    it(`${name} → ${expected}`, () => {
      expect(matchTrigger(trigger(raw), data).matches).toBe(expected);
    });
  }
});

describe("regex guards", () => {
  const unsafe = ["^(a+)+$", "(a|aa)*b", "(\\w+\\s?)*$", "((ab)*)+", "(a{1,9}){2,}", "(x+x+)+y", "(.*)\\1"];
  const safe = [
    "^hola",
    "\\bprecios?\\b",
    "(info|precio)",
    "[a-z]+@[a-z]+\\.com",
    "(ab)?c+",
    "(?:si|no) gracias",
  ];
  for (const pattern of unsafe) {
    it(`refuses ${pattern}`, () => expect(checkSafeRegex(pattern).ok).toBe(false));
  }
  for (const pattern of safe) {
    it(`accepts ${pattern}`, () => expect(checkSafeRegex(pattern).ok).toBe(true));
  }

  it("stops a catastrophic match instead of hanging (and reports it)", () => {
    const started = Date.now();
    const result = boundedRegexTest("^(a+)+$", "", `${"a".repeat(40)}!`, 50);
    expect(result).toEqual({ matched: false, error: "regex took longer than 50 ms and was stopped" });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("a bounded match still answers normally", () => {
    expect(boundedRegexTest("mayoreo", "i", "Precio de MAYOREO")).toEqual({ matched: true });
    expect(boundedRegexTest("mayoreo", "i", "menudeo")).toEqual({ matched: false });
  });
});
