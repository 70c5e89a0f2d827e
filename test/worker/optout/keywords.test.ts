import { describe, expect, it } from "vitest";
import { detectOptKeyword } from "../../../worker/optout/keywords.js";

describe("detectOptKeyword", () => {
  it.each(["STOP", "stop", " Baja ", "unsubscribe\n"])("%j opts out", (text) => {
    expect(detectOptKeyword(text)).toBe("opt-out");
  });

  it.each(["START", "start", " Start "])("%j opts back in", (text) => {
    expect(detectOptKeyword(text)).toBe("opt-in");
  });

  it.each(["stop please", "no quiero baja", "STOP!", "", "   ", "starter"])("%j is not a keyword", (text) => {
    expect(detectOptKeyword(text)).toBeUndefined();
  });

  it("uses a configured list instead of the defaults", () => {
    const keywords = { optOut: ["Cancelar"], optIn: ["alta"] };
    expect(detectOptKeyword("CANCELAR", keywords)).toBe("opt-out");
    expect(detectOptKeyword("ALTA", keywords)).toBe("opt-in");
    expect(detectOptKeyword("STOP", keywords)).toBeUndefined();
  });
});
