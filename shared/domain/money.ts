// Money as integer minor units (cents) plus an ISO 4217 currency. Never floats: a price read from the
// catalog, multiplied by a quantity and summed must come out exactly as a person would add it up.
import { z } from "zod";

/** Currencies the product sells in, with how many minor units make one major unit. */
export const CURRENCY_MINOR_DIGITS = {
  MXN: 2,
  USD: 2,
  EUR: 2,
  COP: 2,
  PEN: 2,
  ARS: 2,
  CLP: 0,
} as const;

export type Currency = keyof typeof CURRENCY_MINOR_DIGITS;
export const currencySchema = z.enum(Object.keys(CURRENCY_MINOR_DIGITS) as [Currency, ...Currency[]]);

/** A non-negative whole number of minor units that stays exact in a JS number. */
export const minorUnitsSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const moneySchema = z.object({ amountMinor: minorUnitsSchema, currency: currencySchema }).strict();
export type Money = z.infer<typeof moneySchema>;

export class MoneyError extends Error {
  override name = "MoneyError";
}

function assertSafeMinor(amountMinor: number): void {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) {
    throw new MoneyError(`amount must be a non-negative safe integer of minor units, got ${amountMinor}`);
  }
}

export function money(amountMinor: number, currency: Currency): Money {
  assertSafeMinor(amountMinor);
  return { amountMinor, currency };
}

export function zero(currency: Currency): Money {
  return { amountMinor: 0, currency };
}

export function add(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new MoneyError(`cannot add ${a.currency} and ${b.currency}`);
  return money(a.amountMinor + b.amountMinor, a.currency);
}

/** Unit price times a whole quantity. */
export function multiply(unit: Money, quantity: number): Money {
  if (!Number.isSafeInteger(quantity) || quantity < 0) {
    throw new MoneyError(`quantity must be a non-negative whole number, got ${quantity}`);
  }
  return money(unit.amountMinor * quantity, unit.currency);
}

export function sum(amounts: readonly Money[], currency: Currency): Money {
  return amounts.reduce((total, next) => add(total, next), zero(currency));
}

export function subtract(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new MoneyError(`cannot subtract ${b.currency} from ${a.currency}`);
  return money(a.amountMinor - b.amountMinor, a.currency);
}

/**
 * Parses a decimal string in major units ("129.90", "1500") into minor units without going through a
 * float. Rejects more decimals than the currency has, signs, exponents and thousands separators.
 */
export function parseMajor(text: string, currency: Currency): Money {
  const digits = CURRENCY_MINOR_DIGITS[currency];
  const match = /^(\d{1,15})(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new MoneyError(`not an amount: ${JSON.stringify(text)}`);
  const whole = match[1] ?? "0";
  const fraction = match[2] ?? "";
  if (fraction.length > digits) {
    throw new MoneyError(`${currency} has ${digits} decimal digits, got ${JSON.stringify(text)}`);
  }
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  return money(minor, currency);
}

/** "129.90" style major-unit string, exact. */
export function toMajorString(amount: Money): string {
  const digits = CURRENCY_MINOR_DIGITS[amount.currency];
  if (digits === 0) return String(amount.amountMinor);
  const text = String(amount.amountMinor).padStart(digits + 1, "0");
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** Human format for messages to customers and Slack ("$1,299.00 MXN"). */
/** One formatter per locale and currency: building an Intl.NumberFormat costs far more than using one. */
const formatters = new Map<string, Intl.NumberFormat>();

function currencyFormatter(locale: string, currency: Money["currency"]): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    const digits = CURRENCY_MINOR_DIGITS[currency];
    formatter = new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      currencyDisplay: "narrowSymbol",
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

export function formatMoney(amount: Money, locale = "es-MX"): string {
  // Intl only formats; the value it gets is exact because it is built from the exact major string.
  const formatted = currencyFormatter(locale, amount.currency).format(Number(toMajorString(amount)));
  return `${formatted} ${amount.currency}`;
}

/** Savings of a promo price against the regular price, in minor units (0 when there is none). */
export function savings(regular: Money, promo: Money): Money {
  if (regular.currency !== promo.currency) throw new MoneyError("currencies differ");
  return money(Math.max(0, regular.amountMinor - promo.amountMinor), regular.currency);
}
