// What `/orders pending` answers. Pure.
import type { OrderDoc } from "../../shared/db/index.js";
import { formatMoney } from "../../shared/domain/money.js";
import { escapeMrkdwn } from "../format/escape.js";
import { formatSlackTime } from "../format/time.js";
import type { TextClock } from "./automation-texts.js";

export const MAX_LISTED_ORDERS = 20;

export interface PendingLine {
  order: OrderDoc;
  /** Link to the approval card, when it was posted. */
  link?: string;
  expiresAt: Date;
}

export function pendingOrdersText(lines: readonly PendingLine[], total: number, clock: TextClock): string {
  if (total === 0) return "No orders are waiting for approval.";
  const rows = lines.map(({ order, link, expiresAt }) => {
    const id = link ? `<${link}|${order._id}>` : `${order._id} (no card yet)`;
    const money = formatMoney({ amountMinor: order.totalMinor, currency: order.currency });
    const since = formatSlackTime(order.createdAt, clock.now, clock.timezone);
    const until = formatSlackTime(expiresAt, clock.now, clock.timezone);
    return `• ${id} ${escapeMrkdwn(order.customer.name)}, ${money}, waiting since ${since}, expires ${until}`;
  });
  const more = total > lines.length ? `\n…and ${total - lines.length} more.` : "";
  return `*Orders waiting for approval* (${total}, oldest first)\n${rows.join("\n")}${more}`;
}

export const APPROVERS_ONLY_TEXT = (command: string) =>
  `Only approvers and admins can run \`${command}\` (SLACK_APPROVER_USER_IDS / SLACK_ADMIN_USER_IDS).`;
