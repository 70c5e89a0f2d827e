import { describe, expect, it } from "vitest";
import { e164Schema, e164ToJid, isE164, jidKind, jidToE164, toE164 } from "../../shared/domain/phone.js";

describe("toE164", () => {
  it.each([
    ["+5215550001", undefined, "+5215550001"],
    ["+52 1 (555) 000-1", undefined, "+5215550001"],
    ["0052 1555 0001", undefined, "+5215550001"],
    ["5215550001", "52", "+525215550001"],
    ["55 5000 1234", "52", "+525550001234"],
    ["5215550001234", undefined, "+5215550001234"],
    ["0 55 5000 1234", "52", "+525550001234"],
    ["  +1 415-555-2671 ", undefined, "+14155552671"],
  ])("%j (default %s) → %s", (raw, cc, expected) => {
    expect(toE164(raw, cc)).toBe(expected);
  });

  it.each([
    ["5550001234", undefined], // national number without a default country code
    ["hola", "52"],
    ["+52 55 ABC", "52"],
    ["+0123456789", undefined], // country codes never start with 0
    ["+1234567890123456", undefined], // more than 15 digits
    ["+123", undefined],
    ["", "52"],
    ['{"$gt": ""}', "52"],
  ])("%j (default %s) → null", (raw, cc) => {
    expect(toE164(raw, cc)).toBeNull();
  });
});

describe("E.164 validation", () => {
  it("accepts only + and 8-15 digits", () => {
    expect(isE164("+5215550001")).toBe(true);
    expect(isE164("5215550001")).toBe(false);
    expect(isE164("+52 1555 0001")).toBe(false);
    expect(e164Schema.safeParse("+5215550001").success).toBe(true);
    expect(e164Schema.safeParse("+52-1555").success).toBe(false);
  });
});

describe("WhatsApp jids", () => {
  it("converts between E.164 and the chat id whatsapp-web.js uses", () => {
    expect(jidToE164("5215550001@c.us")).toBe("+5215550001");
    expect(jidToE164("5215550001@s.whatsapp.net")).toBe("+5215550001");
    expect(jidToE164("5215550001:12@s.whatsapp.net")).toBe("+5215550001");
    expect(e164ToJid("+5215550001")).toBe("5215550001@c.us");
    expect(jidToE164(e164ToJid("+14155552671"))).toBe("+14155552671");
    expect(() => e164ToJid("5215550001")).toThrow(RangeError);
  });

  it("does not take groups, broadcasts or @lid privacy ids for phone numbers", () => {
    expect(jidToE164("120363025246125486@g.us")).toBeNull();
    expect(jidToE164("status@broadcast")).toBeNull();
    expect(jidToE164("203004950012345@lid")).toBeNull();
    expect(jidKind("5215550001@c.us")).toBe("user");
    expect(jidKind("203004950012345@lid")).toBe("lid");
    expect(jidKind("120363025246125486@g.us")).toBe("group");
    expect(jidKind("status@broadcast")).toBe("broadcast");
    expect(jidKind("nonsense")).toBe("unknown");
  });
});
