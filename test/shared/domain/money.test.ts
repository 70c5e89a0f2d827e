import { describe, expect, it } from "vitest";
import {
  add,
  formatMoney,
  money,
  MoneyError,
  multiply,
  parseMajor,
  savings,
  sum,
  toMajorString,
} from "../../../shared/domain/money.js";

describe("money in integer minor units", () => {
  it("adds prices exactly where floats would drift (0.10 + 0.20)", () => {
    const total = add(parseMajor("0.10", "MXN"), parseMajor("0.20", "MXN"));
    expect(total).toEqual({ amountMinor: 30, currency: "MXN" });
    expect(toMajorString(total)).toBe("0.30");
  });

  it("sums many line totals without rounding error", () => {
    const lines = Array.from({ length: 1000 }, () => money(1999, "MXN"));
    expect(sum(lines, "MXN").amountMinor).toBe(1_999_000);
    expect(toMajorString(sum(lines, "MXN"))).toBe("19990.00");
  });

  it("multiplies a unit price by whole quantities only", () => {
    expect(multiply(money(49900, "MXN"), 3)).toEqual({ amountMinor: 149700, currency: "MXN" });
    expect(() => multiply(money(100, "MXN"), 1.5)).toThrow(MoneyError);
    expect(() => multiply(money(100, "MXN"), -1)).toThrow(MoneyError);
  });

  it("refuses to mix currencies", () => {
    expect(() => add(money(100, "MXN"), money(100, "USD"))).toThrow(/MXN and USD/);
  });

  it("refuses fractional, negative or unsafe amounts", () => {
    expect(() => money(10.5, "MXN")).toThrow(MoneyError);
    expect(() => money(-1, "MXN")).toThrow(MoneyError);
    expect(() => money(Number.MAX_SAFE_INTEGER + 1, "MXN")).toThrow(MoneyError);
  });

  it("parses major-unit text exactly and rejects what is not an amount", () => {
    expect(parseMajor("1299.9", "MXN").amountMinor).toBe(129990);
    expect(parseMajor("1500", "CLP").amountMinor).toBe(1500);
    expect(() => parseMajor("12.345", "MXN")).toThrow(/2 decimal digits/);
    expect(() => parseMajor("1.5", "CLP")).toThrow(MoneyError);
    for (const bad of ["-1", "1e3", "1,000.00", "", "abc", "0x10"]) {
      expect(() => parseMajor(bad, "MXN")).toThrow(MoneyError);
    }
  });

  it("formats for customers with the currency code", () => {
    expect(formatMoney(money(129990, "MXN"))).toBe("$1,299.90 MXN");
    expect(toMajorString(money(5, "MXN"))).toBe("0.05");
  });

  it("computes the saving of a promo pack, never negative", () => {
    expect(savings(money(99800, "MXN"), money(89900, "MXN")).amountMinor).toBe(9900);
    expect(savings(money(100, "MXN"), money(200, "MXN")).amountMinor).toBe(0);
  });
});
