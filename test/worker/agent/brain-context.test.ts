import { describe, expect, it } from "vitest";
import { defaultCatalogSeed } from "../../../shared/db/catalog.js";
import { buildBrainContext } from "../../../worker/agent/brain-context.js";
import { isDailyCostCapReached } from "../../../worker/agent/cost-cap.js";

describe("buildBrainContext", () => {
  const messages = [
    { direction: "in" as const, seq: 1, text: "hola" },
    { direction: "out" as const, seq: 2, text: "¡Hola! ¿Tu nombre?" },
    { direction: "out" as const, seq: 3, text: "nunca llegó", status: "failed" },
    { direction: "in" as const, seq: 5, text: "Ana" },
    { direction: "in" as const, seq: 4, text: "me llamo" },
  ];

  it("gives the brain every unprocessed inbound message of the burst and the processed history", () => {
    const { context, watermark } = buildBrainContext({
      conversation: { mode: "collecting_data", collected: {}, processedSeq: 2 },
      messages,
      catalog: defaultCatalogSeed(),
      historyWindow: 30,
    });
    expect(context.newMessages.map((m) => m.text)).toEqual(["me llamo", "Ana"]);
    expect(context.history.map((m) => m.text)).toEqual(["hola", "¡Hola! ¿Tu nombre?"]);
    expect(watermark).toBe(5);
    expect(context.catalog.packs[1]).toMatchObject({
      number: 2,
      packId: "COLAGENO-500:2x",
      priceMinor: 89900,
    });
  });

  it("keeps only the last messages of the history window", () => {
    const { context } = buildBrainContext({
      conversation: { mode: "collecting_data", collected: {}, processedSeq: 5 },
      messages,
      catalog: defaultCatalogSeed(),
      historyWindow: 2,
    });
    expect(context.history.map((m) => m.text)).toEqual(["me llamo", "Ana"]);
    expect(context.newMessages).toEqual([]);
  });
});

describe("one turn's limits", () => {
  const conversation = { mode: "collecting_data" as const, collected: {}, processedSeq: 0 };
  const inbound = (texts: string[]) =>
    texts.map((text, i) => ({ direction: "in" as const, seq: i + 1, text }));

  it("passes the brain the last 20 new messages, and marks every one handled", () => {
    const texts = Array.from({ length: 25 }, (_, i) => `mensaje ${i + 1}`);
    const { context, watermark } = buildBrainContext({
      conversation,
      messages: inbound(texts),
      catalog: defaultCatalogSeed(),
      historyWindow: 30,
    });
    expect(context.newMessages.map((m) => m.text)).toEqual(texts.slice(5));
    expect(watermark).toBe(25);
  });

  it("keeps the new messages within 8,000 characters, the latest first", () => {
    const long = (c: string) => c.repeat(3_000);
    const { context, watermark } = buildBrainContext({
      conversation,
      messages: inbound([long("a"), long("b"), long("c"), "¿me ayudas?"]),
      catalog: defaultCatalogSeed(),
      historyWindow: 30,
    });
    expect(context.newMessages.map((m) => m.text)).toEqual([long("b"), long("c"), "¿me ayudas?"]);
    expect(watermark).toBe(4);
  });

  it("cuts a single huge message to 8,000 characters (new or in the history)", () => {
    const huge = "ñ".repeat(50_000);
    const fresh = buildBrainContext({
      conversation,
      messages: inbound([huge]),
      catalog: defaultCatalogSeed(),
      historyWindow: 30,
    });
    expect(fresh.context.newMessages.map((m) => m.text)).toEqual(["ñ".repeat(8_000)]);
    const later = buildBrainContext({
      conversation: { ...conversation, processedSeq: 1 },
      messages: [...inbound([huge]), { direction: "in", seq: 2, text: "hola" }],
      catalog: defaultCatalogSeed(),
      historyWindow: 30,
    });
    expect(later.context.history.map((m) => m.text.length)).toEqual([8_000]);
  });
});

describe("isDailyCostCapReached", () => {
  it("counts only today's spend against the cap", () => {
    expect(isDailyCostCapReached({ day: "2026-01-02", dayCostMicroUsd: 2_000_000 }, 2, "2026-01-02")).toBe(
      true,
    );
    expect(isDailyCostCapReached({ day: "2026-01-02", dayCostMicroUsd: 1_999_999 }, 2, "2026-01-02")).toBe(
      false,
    );
    expect(isDailyCostCapReached({ day: "2026-01-01", dayCostMicroUsd: 9_000_000 }, 2, "2026-01-02")).toBe(
      false,
    );
  });
});
