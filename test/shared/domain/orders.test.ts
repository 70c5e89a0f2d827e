import { describe, expect, it } from "vitest";
import {
  eventForDecision,
  formatOrderId,
  isFinal,
  isOpen,
  nextOrderStatus,
  normalizeDecisionReason,
  ORDER_ID_PATTERN,
  ORDER_STATUSES,
  statusesAllowing,
} from "../../../shared/domain/orders.js";

describe("order state transitions", () => {
  it("lets a pending order be approved, rejected, expired or cancelled", () => {
    expect(nextOrderStatus("pending_approval", "approve")).toBe("approved");
    expect(nextOrderStatus("pending_approval", "reject")).toBe("rejected");
    expect(nextOrderStatus("pending_approval", "expire")).toBe("expired");
    expect(nextOrderStatus("pending_approval", "cancel")).toBe("cancelled");
  });

  it("never changes a decided order (a late click or a late timeout does nothing)", () => {
    for (const status of ORDER_STATUSES.filter((s) => s !== "pending_approval")) {
      expect(isFinal(status)).toBe(true);
      for (const event of ["approve", "reject", "expire", "cancel"] as const) {
        expect(nextOrderStatus(status, event)).toBeNull();
      }
    }
  });

  it("derives the atomic update's filter from the table", () => {
    expect(statusesAllowing(eventForDecision("approved"))).toEqual(["pending_approval"]);
    expect(statusesAllowing(eventForDecision("expired"))).toEqual(["pending_approval"]);
  });

  it("treats only pending orders as open", () => {
    expect(ORDER_STATUSES.filter(isOpen)).toEqual(["pending_approval"]);
  });

  it("trims a decision reason and refuses an essay", () => {
    expect(normalizeDecisionReason("  out of stock  ")).toEqual({ ok: true, reason: "out of stock" });
    expect(normalizeDecisionReason("   ")).toEqual({ ok: true });
    expect(normalizeDecisionReason("x".repeat(501)).ok).toBe(false);
  });

  it("formats readable order ids without ambiguous letters", () => {
    const id = formatOrderId(new Uint8Array([0, 1, 8, 18, 21, 27, 31, 255]));
    expect(id).toMatch(ORDER_ID_PATTERN);
    expect(id.slice(4)).not.toMatch(/[ILOU]/);
  });
});
