import { describe, expect, it } from "vitest";
import { TOOL_DEFINITIONS, parseToolCall } from "../../../worker/agent/brain/tools.js";

describe("tool definitions", () => {
  it("are JSON-schema objects that accept no price, total or discount", () => {
    for (const tool of TOOL_DEFINITIONS) {
      expect(tool.input_schema.type).toBe("object");
      expect(tool.input_schema.additionalProperties).toBe(false);
      expect(JSON.stringify(tool.input_schema)).not.toMatch(/price|total|discount/i);
    }
  });
});

describe("parseToolCall", () => {
  it("accepts valid input and fills the default quantity", () => {
    expect(parseToolCall("select_packs", { items: [{ packId: "OMEGA3-120:2x" }] })).toEqual({
      ok: true,
      call: { name: "select_packs", input: { items: [{ packId: "OMEGA3-120:2x", qty: 1 }] } },
    });
  });

  it("rejects extra keys, bad quantities, empty data and unknown tools", () => {
    const price = parseToolCall("create_order", {
      items: [{ packId: "OMEGA3-120:2x", qty: 1, unitPrice: 0 }],
    });
    expect(price.ok).toBe(false);
    expect(parseToolCall("select_packs", { items: [{ packId: "OMEGA3-120:2x", qty: 0 }] }).ok).toBe(false);
    expect(parseToolCall("save_customer_data", {}).ok).toBe(false);
    expect(parseToolCall("request_human", { reason: "" }).ok).toBe(false);
    expect(parseToolCall("give_discount", { percent: 100 })).toEqual({
      ok: false,
      rejected: { name: "give_discount", error: "unknown tool" },
    });
  });
});
