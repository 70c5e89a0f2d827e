// Pure parts of the approvals: card texts, the reject modal, deadlines, resume mode, time formatting.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../shared/config/index.js";
import type { OrderDoc } from "../../../shared/db/index.js";
import {
  alreadyDecidedText,
  approvalCard,
  decidedCard,
  reminderText,
} from "../../../slack/approvals/card.js";
import { approvalDeadlines } from "../../../slack/approvals/deadlines.js";
import { parseRejectMetadata, readRejectReason, rejectModal } from "../../../slack/approvals/reject-modal.js";
import { escapeMrkdwn } from "../../../slack/format/escape.js";
import { formatSlackTime, formatWait } from "../../../slack/format/time.js";
import { resumeMode } from "../../../slack/handoff/resume-mode.js";

const TZ = "America/Mexico_City";
const created = new Date("2026-03-10T19:00:00Z"); // 13:00 in Mexico City
const order: OrderDoc = {
  _id: "ORD-7K2M9QXA",
  accountId: "default",
  conversationId: "cv_1",
  contactId: "ct_1",
  status: "pending_approval",
  source: "promos-timeout",
  currency: "MXN",
  lines: [
    {
      sku: "COLAGENO-500",
      name: "Colágeno <b>",
      pack: "2x",
      units: 2,
      qty: 1,
      unitPriceMinor: 89900,
      lineTotalMinor: 89900,
    },
  ],
  totalMinor: 89900,
  customer: { name: "Ana <!channel>", phone: "+5215550001", address: "Av. Reforma 123", city: "CDMX" },
  createdAt: created,
  updatedAt: created,
  reminders: 0,
};
const clock = { now: new Date("2026-03-10T20:02:00Z"), timezone: TZ };
const expiresAt = new Date(created.getTime() + 24 * 3_600_000);
const blocksText = (m: { blocks: unknown[] }) => JSON.stringify(m.blocks);

describe("approval card", () => {
  it("says how the order came about and escapes what customers typed", () => {
    const card = approvalCard(order, expiresAt, clock);
    const shown = blocksText(card);
    expect(shown).toContain("promotion offer timed out");
    expect(shown).toContain("Ana &lt;!channel&gt;");
    expect(shown).not.toContain("<!channel>");
    expect(shown).toContain("Colágeno &lt;b&gt;");
    expect(shown).toContain("Expires 11 Mar 13:00");
    expect(card.text).toContain("ORD-7K2M9QXA");
  });

  it("after a decision the buttons are gone and the outcome line says who and when", () => {
    const approved = {
      ...order,
      status: "approved" as const,
      decidedBy: { kind: "slack_user" as const, id: "U1" },
      decidedAt: new Date("2026-03-10T20:02:00Z"),
    };
    const card = decidedCard(approved, expiresAt, clock, 86_400_000);
    expect(blocksText(card)).not.toContain("order_approve");
    expect(blocksText(card)).toContain("Approved by <@U1> at 14:02");
    const rejected = { ...approved, status: "rejected" as const, reason: "sin <stock>" };
    expect(blocksText(decidedCard(rejected, expiresAt, clock, 86_400_000))).toContain(
      "Rejected by <@U1> at 14:02: sin &lt;stock&gt;",
    );
    const expired = {
      ...order,
      status: "expired" as const,
      decidedBy: { kind: "system" as const, id: "approval-timeout" },
      decidedAt: expiresAt,
    };
    expect(blocksText(decidedCard(expired, expiresAt, clock, 86_400_000))).toContain(
      "Expired, no decision in 24h",
    );
    expect(alreadyDecidedText(approved, clock, 86_400_000)).toBe(
      "Order ORD-7K2M9QXA was already approved by <@U1> at 14:02. Nothing changed.",
    );
    expect(alreadyDecidedText(expired, { ...clock, now: expiresAt }, 86_400_000)).toMatch(
      /already expired at 13:00 \(no decision in 24h\)/,
    );
  });

  it("the reminder mentions every approver", () => {
    expect(reminderText(order, ["U1", "U2"], expiresAt, clock)).toMatch(/^<@U1> <@U2> order ORD-7K2M9QXA/);
  });
});

describe("reject modal", () => {
  it("carries the order and card to the submission, and requires a real reason", () => {
    const view = rejectModal({ orderId: "ORD-7K2M9QXA", channel: "C0APPROVALS", ts: "1.2" });
    expect(parseRejectMetadata(String(view["private_metadata"]))).toEqual({
      orderId: "ORD-7K2M9QXA",
      channel: "C0APPROVALS",
      ts: "1.2",
    });
    expect(parseRejectMetadata("not json")).toBeNull();
    expect(parseRejectMetadata('{"orderId":"x"}')).toBeNull();
    expect(readRejectReason({ reason: { reason_text: { value: "  sin   stock " } } })).toEqual({
      ok: true,
      reason: "sin stock",
    });
    expect(readRejectReason({ reason: { reason_text: { value: "" } } })).toMatchObject({ ok: false });
    expect(readRejectReason({})).toMatchObject({ ok: false });
    expect(readRejectReason({ reason: { reason_text: { value: "x".repeat(501) } } })).toMatchObject({
      ok: false,
    });
  });
});

describe("deadlines, resume mode, formatting", () => {
  it("counts the reminder and the expiry from the order's creation; 0s means no reminder", () => {
    const timers = loadConfig({}).timers;
    expect(approvalDeadlines(created, timers)).toEqual({
      remindAt: new Date(created.getTime() + 4 * 3_600_000),
      expiresAt,
    });
    expect(approvalDeadlines(created, { ...timers, approvalReminderMs: 0 })).toEqual({ expiresAt });
    expect(approvalDeadlines(created, { ...timers, approvalReminderMs: 25 * 3_600_000 })).toEqual({
      expiresAt,
    });
  });

  it("resumes in the mode from before the pause, unless the order it waited on was decided", () => {
    const empty = { collected: {} };
    const full = { collected: { name: "Ana", phone: "+5215550001", address: "Av. Reforma 1", city: "CDMX" } };
    expect(resumeMode(empty, { hasOpenOrder: false, modeBeforePause: "collecting_data" })).toBe(
      "collecting_data",
    );
    expect(resumeMode(full, { hasOpenOrder: false, modeBeforePause: "awaiting_approval" })).toBe("promos");
    expect(resumeMode(full, { hasOpenOrder: true })).toBe("awaiting_approval");
    expect(resumeMode({ collected: { name: "Ana" } }, { hasOpenOrder: false })).toBe("collecting_data");
    expect(resumeMode(empty, { hasOpenOrder: false })).toBe("greeting");
  });

  it("formats times in the business time zone and waits in hours", () => {
    expect(formatSlackTime(new Date("2026-03-10T20:02:00Z"), clock.now, TZ)).toBe("14:02");
    expect(formatSlackTime(new Date("2026-03-11T20:02:00Z"), clock.now, TZ)).toBe("11 Mar 14:02");
    expect(formatWait(86_400_000)).toBe("24h");
    expect(formatWait(90 * 60_000)).toBe("1h30m");
    expect(escapeMrkdwn("a & <b>")).toBe("a &amp; &lt;b&gt;");
  });
});
