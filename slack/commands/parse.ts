// Reading slash-command text into what was asked. Pure, zod-free on purpose: the argument is free text
// that only ever becomes a string compared against known values (a "$where" or ".*" is just text).
import { toE164 } from "../../shared/domain/phone.js";

export const AUTOMATION_USAGE =
  "Usage: `/automation list` · `/automation status <name>` · `/automation enable <name>` · `/automation disable <name>` · `/automation runs <name> [n]` (the last n runs, default 5, at most 20) · `/automation test <name> <phone>` (what it would do for that contact, without doing it)";
export const ORDERS_USAGE = "Usage: `/orders pending` (orders waiting for approval, oldest first)";
export const BOT_USAGE =
  "Usage: `/bot pause <phone>` (a person takes over the conversation) · `/bot resume <phone>` (the bot answers again)";

/** Longest argument echoed back in an answer. */
export const MAX_ECHO = 60;

/** How many runs `/automation runs` shows without a number, and at most. */
export const DEFAULT_RUNS = 5;
export const MAX_RUNS = 20;

export type AutomationCommand =
  | { kind: "list" }
  | { kind: "status" | "enable" | "disable"; name: string }
  | { kind: "runs"; name: string; count: number }
  | { kind: "test"; name: string; phone: string }
  | { kind: "usage"; problem?: string };

export type OrdersCommand = { kind: "pending" } | { kind: "usage"; problem?: string };

export type BotCommand = { kind: "pause" | "resume"; phone: string } | { kind: "usage"; problem?: string };

function words(text: string): string[] {
  return text.trim().split(/\s+/).filter(Boolean);
}

/** Shortens what someone typed for an answer (and keeps backticks from breaking the formatting). */
export function echo(text: string): string {
  const clean = text.replaceAll("`", "'");
  return clean.length > MAX_ECHO ? `${clean.slice(0, MAX_ECHO)}…` : clean;
}

/** `runs <name> [n]`: n is a whole number from 1 to MAX_RUNS. */
function parseRuns(rest: string[]): AutomationCommand {
  const [name, count, ...extra] = rest;
  if (name === undefined) return { kind: "usage", problem: "`runs` needs an automation name" };
  if (extra.length > 0)
    return { kind: "usage", problem: "`runs` takes a name and at most a number (names have no spaces)" };
  if (count === undefined) return { kind: "runs", name, count: DEFAULT_RUNS };
  const n = /^\d{1,6}$/.test(count) ? Number(count) : NaN;
  if (!(n >= 1 && n <= MAX_RUNS))
    return {
      kind: "usage",
      problem: `the number of runs must be a whole number from 1 to ${MAX_RUNS}, not \`${echo(count)}\``,
    };
  return { kind: "runs", name, count: n };
}

/** `test <name> <phone>`: the phone may be written with spaces ("+52 1 555 000 1"). */
function parseTest(rest: string[], defaultCountryCode: string | undefined): AutomationCommand {
  const [name, ...phoneWords] = rest;
  if (name === undefined)
    return { kind: "usage", problem: "`test` needs an automation name and the customer's phone number" };
  if (phoneWords.length === 0) return { kind: "usage", problem: "`test` needs the customer's phone number" };
  const written = phoneWords.join(" ");
  const phone = toE164(written, defaultCountryCode);
  if (!phone) return { kind: "usage", problem: `\`${echo(written)}\` is not a phone number` };
  return { kind: "test", name, phone };
}

export function parseAutomationCommand(text: string, defaultCountryCode?: string): AutomationCommand {
  const [verb, ...rest] = words(text);
  const sub = verb?.toLowerCase();
  if (sub === undefined || sub === "help") return { kind: "usage" };
  if (sub === "list")
    return rest.length === 0 ? { kind: "list" } : { kind: "usage", problem: "`list` takes no name" };
  if (sub === "status" || sub === "enable" || sub === "disable") {
    if (rest.length === 0) return { kind: "usage", problem: `\`${sub}\` needs an automation name` };
    if (rest.length > 1) return { kind: "usage", problem: "automation names have no spaces" };
    return { kind: sub, name: rest[0] ?? "" };
  }
  if (sub === "runs") return parseRuns(rest);
  if (sub === "test") return parseTest(rest, defaultCountryCode);
  return { kind: "usage", problem: `unknown subcommand \`${echo(verb ?? "")}\`` };
}

export function parseOrdersCommand(text: string): OrdersCommand {
  const [sub, ...rest] = words(text);
  if (sub?.toLowerCase() === "pending" && rest.length === 0) return { kind: "pending" };
  if (sub === undefined || sub.toLowerCase() === "help") return { kind: "usage" };
  return { kind: "usage", problem: `unknown arguments \`${echo(text.trim())}\`` };
}

export function parseBotCommand(text: string, defaultCountryCode: string): BotCommand {
  const [verb, ...rest] = words(text);
  const sub = verb?.toLowerCase();
  if (sub === undefined || sub === "help") return { kind: "usage" };
  if (sub !== "pause" && sub !== "resume")
    return { kind: "usage", problem: `unknown subcommand \`${echo(verb ?? "")}\`` };
  if (rest.length === 0) return { kind: "usage", problem: `\`${sub}\` needs the customer's phone number` };
  // Phone numbers are often written with spaces: "+52 1 555 000 1".
  const written = rest.join(" ");
  const phone = toE164(written, defaultCountryCode);
  if (!phone) return { kind: "usage", problem: `\`${echo(written)}\` is not a phone number` };
  return { kind: sub, phone };
}

/** The usage text with the specific problem first. */
export function usageText(usage: string, problem?: string): string {
  return problem ? `${problem[0]?.toUpperCase()}${problem.slice(1)}.\n${usage}` : usage;
}
