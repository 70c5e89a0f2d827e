import { describe, expect, it } from "vitest";
import {
  automationDefinitionSchema,
  describeDefinitionErrors,
  durationToMs,
} from "../../../shared/domain/automations.js";
import { defaultAutomationSeed } from "../../../shared/db/automations.js";

const valid = {
  name: "Welcome-Tag",
  trigger: { type: "contact.created" },
  conditions: {
    match: "all",
    groups: [{ match: "any", rules: [{ field: "contact.city", op: "equals", value: "León" }] }],
  },
  actions: [
    { type: "add_tag", tag: "New" },
    { type: "delay", duration: "5m" },
    { type: "send_whatsapp", text: "¡Hola {{contact.name}}!" },
  ],
};

describe("automation definitions", () => {
  it("accepts a well-formed definition and normalises name and tags", () => {
    const parsed = automationDefinitionSchema.parse(valid);
    expect(parsed.name).toBe("welcome-tag");
    expect(parsed.trigger).toEqual({ type: "contact.created", config: {} });
    expect(parsed.actions[0]).toEqual({ type: "add_tag", tag: "new" });
    expect(parsed.limits).toEqual({ maxRunsPerContactPerDay: 10 });
  });

  it("refuses bad definitions with a message that points at the field", () => {
    const cases: [unknown, RegExp][] = [
      [{ ...valid, actions: [{ type: "drop_database" }] }, /^actions\.0\.type: /],
      [{ ...valid, trigger: { type: "contact.deleted" } }, /^trigger\.type: /],
      [{ ...valid, actions: [{ type: "delay", duration: "45d" }] }, /^actions\.0\.duration: duration like/],
      [
        { ...valid, conditions: { groups: [{ rules: [{ field: "$where", op: "equals", value: 1 }] }] } },
        /^conditions\.groups\.0\.rules\.0\.field: field path/,
      ],
      [
        {
          ...valid,
          conditions: { groups: [{ rules: [{ field: "order.totalMinor", op: "gt", value: "10" }] }] },
        },
        /^conditions\.groups\.0\.rules\.0\.value: /,
      ],
      [{ ...valid, actions: [] }, /^actions: /],
      [{ ...valid, extra: true }, /^\(definition\): .*extra/],
      [
        { ...valid, trigger: { type: "message.keyword", config: {} } },
        /^trigger\.config: give words or a regex/,
      ],
      [{ ...valid, trigger: { type: "contact.inactive", config: {} } }, /^trigger\.config\.days: /],
      [{ ...valid, actions: [{ type: "webhook", url: "ftp://example.com/x" }] }, /^actions\.0\.url: /],
      [
        { ...valid, actions: [{ type: "create_task", assignee: "bob", title: "Llamar" }] },
        /^actions\.0\.assignee: Slack user id/,
      ],
    ];
    for (const [definition, message] of cases) {
      const errors = describeDefinitionErrors(definition);
      expect(errors.length, JSON.stringify(definition)).toBeGreaterThan(0);
      expect(errors.join("\n")).toMatch(message);
    }
  });

  it("refuses a catastrophic regex in a keyword trigger or a matches condition", () => {
    const keyword = {
      ...valid,
      trigger: { type: "message.keyword", config: { regex: { pattern: "^(a+)+$" } } },
    };
    expect(describeDefinitionErrors(keyword).join()).toMatch(/trigger\.config\.regex\.pattern: unsafe regex/);
    const condition = {
      ...valid,
      conditions: {
        groups: [{ rules: [{ field: "event.text", op: "matches", value: { pattern: "(x|xx)*y" } }] }],
      },
    };
    expect(describeDefinitionErrors(condition).join()).toMatch(/rules\.0\.value\.pattern: unsafe regex/);
    const fine = {
      ...valid,
      trigger: { type: "message.keyword", config: { regex: { pattern: "\\bprecios?\\b" } } },
    };
    expect(describeDefinitionErrors(fine)).toEqual([]);
  });

  it("reads human durations", () => {
    expect(durationToMs("30s")).toBe(30_000);
    expect(durationToMs("2h")).toBe(7_200_000);
    expect(durationToMs("1d")).toBe(86_400_000);
    expect(durationToMs("5 minutes")).toBeNull();
  });

  it("the seed is valid and complements the agent (reactivation starts disabled)", () => {
    const seed = defaultAutomationSeed();
    expect(seed.map((a) => [a.name, a.trigger.type, a.enabled])).toEqual([
      ["tag-new-leads", "contact.created", true],
      ["notify-sales-big-order", "order.created", true],
      ["follow-up-after-approval", "order.status_changed", true],
      ["tag-wholesale-interest", "message.keyword", true],
      ["reactivate-inactive-30d", "contact.inactive", false],
    ]);
    const followUp = seed.find((a) => a.name === "follow-up-after-approval");
    expect(followUp?.actions.at(-2)).toEqual({ type: "delay", duration: "1d" });
    expect(followUp?.actions.at(-1)).toMatchObject({
      type: "send_whatsapp",
      text: expect.stringContaining("¿Llegó bien tu pedido"),
    });
  });
});
