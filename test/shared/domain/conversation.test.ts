import { describe, expect, it } from "vitest";
import {
  canChangeMode,
  CONVERSATION_MODES,
  isBotSilent,
  isDataComplete,
  missingFields,
  validateCollectedPatch,
} from "../../../shared/domain/conversation.js";

describe("conversation modes", () => {
  it("follows the sales path greeting → collecting_data → promos → awaiting_approval → closed", () => {
    expect(canChangeMode("greeting", "collecting_data")).toBe(true);
    expect(canChangeMode("collecting_data", "promos")).toBe(true);
    expect(canChangeMode("promos", "awaiting_approval")).toBe(true);
    expect(canChangeMode("awaiting_approval", "closed")).toBe(true);
  });

  it("allows a human handoff from every bot mode and a return from it", () => {
    for (const mode of CONVERSATION_MODES.filter((m) => m !== "handoff" && m !== "opted_out")) {
      expect(canChangeMode(mode, "handoff")).toBe(true);
      expect(canChangeMode("handoff", mode)).toBe(true);
    }
  });

  it("never leaves opted_out through a mode change (only opting in does)", () => {
    for (const mode of CONVERSATION_MODES) expect(canChangeMode("opted_out", mode)).toBe(false);
  });

  it("does not jump to awaiting_approval without promos", () => {
    expect(canChangeMode("greeting", "awaiting_approval")).toBe(false);
    expect(canChangeMode("collecting_data", "awaiting_approval")).toBe(false);
  });

  it("keeps the bot silent in handoff and opted_out only", () => {
    expect(CONVERSATION_MODES.filter(isBotSilent)).toEqual(["handoff", "opted_out"]);
  });
});

describe("collected customer data", () => {
  it("keeps valid fields and reports invalid ones to re-ask", () => {
    const { accepted, rejected } = validateCollectedPatch({
      name: "  Ana   María ",
      phone: "55 1234",
      city: "Guadalajara",
      admin: true,
    });
    expect(accepted).toEqual({ name: "Ana María", city: "Guadalajara" });
    expect(rejected.map((r) => r.field).sort()).toEqual(["admin", "phone"]);
  });

  it("accepts E.164 phones only", () => {
    expect(validateCollectedPatch({ phone: "+5215550001" }).accepted).toEqual({ phone: "+5215550001" });
    expect(validateCollectedPatch({ phone: "+0123456789" }).rejected).toHaveLength(1);
  });

  it("treats operator-looking input as a value to validate, not a query", () => {
    const { accepted, rejected } = validateCollectedPatch({ name: { $gt: "" }, city: '{"$gt": ""}' });
    expect(rejected.map((r) => r.field)).toEqual(["name"]);
    expect(accepted).toEqual({ city: '{"$gt": ""}' });
  });

  it('re-asks a city, address or name without letters ("12" is not a city)', () => {
    const { accepted, rejected } = validateCollectedPatch({
      name: "12345",
      address: "123 #4",
      city: "12",
    });
    expect(accepted).toEqual({});
    expect(rejected).toEqual([
      { field: "name", error: "a name must contain letters" },
      { field: "address", error: "an address must contain letters" },
      { field: "city", error: "a city must contain letters" },
    ]);
    expect(validateCollectedPatch({ city: "--" }).rejected).toHaveLength(1);
  });

  it("refuses digits in a name", () => {
    expect(validateCollectedPatch({ name: "Ana 5512345678" }).rejected).toEqual([
      { field: "name", error: "a name has no digits" },
    ]);
  });

  it("keeps Spanish accents, ñ and real-world punctuation", () => {
    const { accepted, rejected } = validateCollectedPatch({
      name: "María José Núñez-O'Brien",
      address: "Calle 5 de Mayo #12, Col. Centro, C.P. 06000",
      city: "Ciudad Juárez",
    });
    expect(rejected).toEqual([]);
    expect(accepted).toEqual({
      name: "María José Núñez-O'Brien",
      address: "Calle 5 de Mayo #12, Col. Centro, C.P. 06000",
      city: "Ciudad Juárez",
    });
    // Decomposed accents (as some keyboards send them) are stored composed.
    expect(validateCollectedPatch({ city: "Leo\u0301n" }).accepted).toEqual({ city: "León" });
  });

  it("lists missing fields in asking order", () => {
    expect(missingFields({ city: "León" })).toEqual(["name", "phone", "address"]);
    expect(isDataComplete({ name: "Ana", phone: "+5215550001", address: "Calle 1", city: "León" })).toBe(
      true,
    );
  });
});
