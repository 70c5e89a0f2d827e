import { describe, expect, it } from "vitest";
import { automationDefinitionSchema, durationToMs } from "../../../shared/domain/automations.js";

const valid = {
  name: "Welcome-Tag",
  trigger: { event: "crm/contact.created" },
  conditions: { match: "all", rules: [{ field: "data.city", op: "eq", value: "León" }] },
  actions: [
    { type: "add_tag", tag: "New" },
    { type: "delay", duration: "5m" },
    { type: "send_whatsapp", text: "¡Hola {{name}}!" },
  ],
};

describe("automation definitions", () => {
  it("accepts a well-formed definition and normalises name and tags", () => {
    const parsed = automationDefinitionSchema.parse(valid);
    expect(parsed.name).toBe("welcome-tag");
    expect(parsed.actions[0]).toEqual({ type: "add_tag", tag: "new" });
    expect(parsed.limits).toEqual({ maxDepth: 3, maxRunsPerContactPerDay: 5 });
  });

  it("rejects unknown actions, bad event names, bad delays and operator field paths", () => {
    const bad = [
      { ...valid, actions: [{ type: "drop_database" }] },
      { ...valid, trigger: { event: "contact created" } },
      { ...valid, actions: [{ type: "delay", duration: "45d" }] },
      { ...valid, conditions: { match: "all", rules: [{ field: "$where", op: "eq", value: 1 }] } },
      { ...valid, conditions: { match: "all", rules: [{ field: "data.total", op: "gt", value: "10" }] } },
      { ...valid, actions: [] },
      { ...valid, extra: true },
    ];
    for (const definition of bad)
      expect(automationDefinitionSchema.safeParse(definition).success).toBe(false);
  });

  it("reads human durations", () => {
    expect(durationToMs("30s")).toBe(30_000);
    expect(durationToMs("2h")).toBe(7_200_000);
    expect(durationToMs("5 minutes")).toBeNull();
  });
});
