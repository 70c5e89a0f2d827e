import { describe, expect, it } from "vitest";
import { e164ToJid, isE164, jidToE164, maskPhone } from "../../../worker/gateway/phone.js";

describe("gateway phone helpers", () => {
  it("maps WhatsApp user ids to E.164", () => {
    expect(jidToE164("5215550001@c.us")).toBe("+5215550001");
    expect(jidToE164("5215550001@s.whatsapp.net")).toBe("+5215550001");
  });

  it("refuses ids that are not phone numbers", () => {
    expect(jidToE164("123456@lid")).toBeUndefined();
    expect(jidToE164("120363@g.us")).toBeUndefined();
    expect(jidToE164("status@broadcast")).toBeUndefined();
    expect(jidToE164("0215550001@c.us")).toBeUndefined();
  });

  it("maps E.164 to a chat id and rejects anything else", () => {
    expect(e164ToJid("+5215550001")).toBe("5215550001@c.us");
    expect(() => e164ToJid("5215550001")).toThrow(RangeError);
    expect(() => e164ToJid("+52 155 5000 1")).toThrow(RangeError);
  });

  it("validates E.164", () => {
    expect(isE164("+5215550001")).toBe(true);
    expect(isE164("+0215550001")).toBe(false);
    expect(isE164("+1234567890123456")).toBe(false);
    expect(isE164("hola")).toBe(false);
  });

  it("masks numbers for logs", () => {
    expect(maskPhone("+5215550001")).toBe("+52***01");
  });
});
