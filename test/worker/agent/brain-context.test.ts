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
