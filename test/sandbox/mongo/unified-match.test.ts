// The conformance runner's matching rules: a lenient matcher would pass tests that should fail.
import { Long, ObjectId } from "bson";
import { describe, expect, it } from "vitest";
import { assertMatches, assertSameDocuments } from "./unified-match.js";

const entities = new Map<string, unknown>();
const matches = (expected: unknown, actual: unknown, isRoot = true): boolean => {
  try {
    assertMatches(expected, actual, entities, isRoot);
    return true;
  } catch {
    return false;
  }
};

describe("unified-format matching", () => {
  it("allows extra fields only in root-level documents", () => {
    expect(matches({ x: 1 }, { x: 1, y: 2 })).toBe(true);
    expect(matches({ a: { x: 1 } }, { a: { x: 1, y: 2 } })).toBe(false);
    expect(matches({ x: 1, y: 1 }, { x: 1 })).toBe(false);
  });

  it("compares numbers flexibly across int, long and double but not their values", () => {
    expect(matches({ n: 1 }, { n: Long.fromNumber(1) })).toBe(true);
    expect(matches({ n: 1 }, { n: 1.5 })).toBe(false);
    expect(matches({ n: "1" }, { n: 1 })).toBe(false);
  });

  it("requires arrays of the same length", () => {
    expect(matches([1, 2, 3], [1, 2, 3, 4])).toBe(false);
    expect(matches({ a: [1, 2] }, { a: [1, 2] })).toBe(true);
  });

  it("implements $$exists, $$unsetOrMatches and $$type", () => {
    expect(matches({ w: { $$exists: false } }, { x: 1 })).toBe(true);
    expect(matches({ w: { $$exists: false } }, { w: null })).toBe(false);
    expect(matches({ w: { $$exists: true } }, { w: null })).toBe(true);
    expect(matches({ id: { $$unsetOrMatches: 2 } }, {})).toBe(true);
    expect(matches({ id: { $$unsetOrMatches: 2 } }, { id: 3 })).toBe(false);
    expect(matches({ $$unsetOrMatches: { n: 1 } }, undefined)).toBe(true);
    expect(matches({ id: { $$type: ["int", "long"] } }, { id: Long.fromString("123456789012") })).toBe(true);
    expect(matches({ id: { $$type: "objectId" } }, { id: "not an id" })).toBe(false);
    expect(matches({ id: { $$type: "objectId" } }, { id: new ObjectId() })).toBe(true);
  });

  it("compares outcome documents exactly, ignoring key order", () => {
    expect(() => assertSameDocuments([{ _id: 1, x: 1 }], [{ x: 1, _id: 1 }], "outcome")).not.toThrow();
    expect(() => assertSameDocuments([{ _id: 1 }], [{ _id: 1, x: 1 }], "outcome")).toThrow(
      /unexpected field/,
    );
    expect(() => assertSameDocuments([{ _id: 1 }], [], "outcome")).toThrow(/expected 1 documents/);
  });
});
