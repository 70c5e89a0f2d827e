// The daily digest as Slack text. Pure.
import { formatMoney } from "../../shared/domain/money.js";
import { formatDuration } from "../../shared/duration.js";
import { isQuietDay, type DigestFigures } from "./figures.js";

function usd(micro: number): string {
  return `US$${(micro / 1_000_000).toFixed(2)}`;
}

export function digestText(f: DigestFigures): string {
  if (isQuietDay(f)) return `*Daily digest for ${f.day}*: no activity.`;
  const money = (amountMinor: number) =>
    formatMoney({ amountMinor, currency: f.currency as Parameters<typeof formatMoney>[0]["currency"] });
  const line = (label: string, o: { count: number; amountMinor: number }) =>
    `${label} ${o.count} (${money(o.amountMinor)})`;
  const created = f.orders.created.count;
  return [
    `*Daily digest for ${f.day}*`,
    `• Conversations: ${f.conversations} · new contacts: ${f.newContacts}`,
    `• Orders: ${line("created", f.orders.created)} · ${line("approved", f.orders.approved)} · ${line("rejected", f.orders.rejected)} · ${line("expired", f.orders.expired)}`,
    `• Median time to decision: ${f.medianDecisionMs === null ? "no decisions" : formatDuration(f.medianDecisionMs)}`,
    `• Handoffs to a person: ${f.handoffs}`,
    `• Model: ${f.tokens.toLocaleString("en-US")} tokens, ${usd(f.costMicroUsd)}${created > 0 ? ` (${usd(Math.round(f.costMicroUsd / created))} per order)` : ""}`,
    `• Automation runs: ${f.automationRuns} · failures: ${f.automationFailures}`,
  ].join("\n");
}
