// The ops channel's failure alert and its one-line error. Pure.
import type { OpsAlertDoc } from "../../shared/db/index.js";
import { scrubPhones } from "../../shared/logger.js";
import type { Block, SlackMessage } from "../approvals/card.js";
import { escapeMrkdwn } from "../format/escape.js";
import { formatSlackTime, mention } from "../format/time.js";

export const RETRY_BLOCK_ID = "ops_retry";
export const RETRY_ACTION_ID = "ops_retry";

/** What an error says about keys and tokens is never shown. */
const SECRETS = [
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /\bxox[abposr]-[A-Za-z0-9-]{8,}/g,
  /\bsignkey-[A-Za-z0-9_-]{8,}/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b(mongodb(?:\+srv)?:\/\/)[^@\s/]+@/g,
];

/** The error in one line: no stack, no secrets, phone numbers masked, at most 300 characters. */
export function oneLineError(error: { name?: string; message?: string } | undefined): string {
  const message = (error?.message ?? "").split("\n")[0] ?? "";
  let text =
    `${error?.name && error.name !== "Error" ? `${error.name}: ` : ""}${message}`.trim() || "unknown error";
  for (const pattern of SECRETS)
    text = text.replace(pattern, (m, p1: unknown) =>
      typeof p1 === "string" && p1.startsWith("mongodb") ? `${p1}***@` : "***",
    );
  text = scrubPhones(text);
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/** The ids a run was working on, from its event. */
export function subjectOf(data: Record<string, unknown>): Record<string, string> {
  const subject: Record<string, string> = {};
  for (const key of ["orderId", "conversationId", "automationId", "automationName", "accountId"]) {
    const value = data[key];
    if (typeof value === "string" && value.length <= 200) subject[key] = value;
  }
  return subject;
}

const SUBJECT_LABELS: Record<string, string> = {
  orderId: "order",
  conversationId: "conversation",
  automationId: "automation",
  automationName: "automation name",
  accountId: "WhatsApp account",
};

/** Inngest's own events (a cron tick, a system event) cannot be sent again by an app. */
export function canRetry(alert: Pick<OpsAlertDoc, "event">): boolean {
  return !alert.event.name.startsWith("inngest/");
}

export function alertCard(alert: OpsAlertDoc, now: Date, timezone: string): SlackMessage {
  const header = `Function ${alert.functionId} failed after its retries`;
  const subject = Object.entries(alert.subject)
    .map(([k, v]) => `${SUBJECT_LABELS[k] ?? k} \`${escapeMrkdwn(v)}\``)
    .join(", ");
  const blocks: Block[] = [
    { type: "section", text: { type: "mrkdwn", text: `:rotating_light: *${escapeMrkdwn(header)}*` } },
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: [
          `*Event:* \`${escapeMrkdwn(alert.event.name)}\``,
          subject ? `*Working on:* ${subject}` : undefined,
          `*Error:* ${escapeMrkdwn(alert.error)}`,
          `*Failed:* ${formatSlackTime(alert.at, now, timezone)}`,
        ]
          .filter(Boolean)
          .join("\n"),
      },
    },
  ];
  for (const retry of alert.retries) {
    const when = formatSlackTime(retry.at, now, timezone);
    const outcome =
      retry.outcome === "succeeded"
        ? ":white_check_mark: succeeded"
        : retry.outcome === "failed"
          ? `:x: failed again: ${escapeMrkdwn(retry.error ?? "")}`
          : ":hourglass_flowing_sand: running";
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: `Retried by ${mention(retry.by)} at ${when}: ${outcome}` }],
    });
  }
  if (!canRetry(alert)) {
    blocks.push({
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: "A scheduled or system run: it cannot be sent again; it runs at its next time.",
        },
      ],
    });
  } else if (alert.state === "failed" || alert.state === "failed_again") {
    blocks.push({
      type: "actions",
      block_id: RETRY_BLOCK_ID,
      elements: [
        {
          type: "button",
          action_id: RETRY_ACTION_ID,
          style: "primary",
          text: { type: "plain_text", text: "Retry" },
          value: alert._id,
        },
      ],
    });
  }
  return { text: header, blocks };
}
