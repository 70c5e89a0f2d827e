// Order lifecycle. An order waits for a human in Slack; exactly one decision ends the wait.
//
//   pending_approval ──approve──▶ approved
//                    ──reject───▶ rejected
//                    ──expire───▶ expired     (nobody decided in time)
//                    ──cancel───▶ cancelled   (customer or staff withdrew it)
//
// Every other state is final. The repository turns this table into the filter of one atomic
// findOneAndUpdate, so two clicks can never both win.
import { z } from "zod";

export const ORDER_STATUSES = ["pending_approval", "approved", "rejected", "expired", "cancelled"] as const;
export const orderStatusSchema = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof orderStatusSchema>;

export const ORDER_EVENTS = ["approve", "reject", "expire", "cancel"] as const;
export const orderEventSchema = z.enum(ORDER_EVENTS);
export type OrderEvent = z.infer<typeof orderEventSchema>;

/** The decisions a person or a timeout can take on a pending order. */
export const ORDER_DECISIONS = ["approved", "rejected", "expired", "cancelled"] as const;
export const orderDecisionSchema = z.enum(ORDER_DECISIONS);
export type OrderDecision = z.infer<typeof orderDecisionSchema>;

const TRANSITIONS: Readonly<Record<OrderStatus, Partial<Record<OrderEvent, OrderStatus>>>> = {
  pending_approval: { approve: "approved", reject: "rejected", expire: "expired", cancel: "cancelled" },
  approved: {},
  rejected: {},
  expired: {},
  cancelled: {},
};

const EVENT_FOR_DECISION: Readonly<Record<OrderDecision, OrderEvent>> = {
  approved: "approve",
  rejected: "reject",
  expired: "expire",
  cancelled: "cancel",
};

/** The status after `event`, or null when the event is not allowed in `status`. */
export function nextOrderStatus(status: OrderStatus, event: OrderEvent): OrderStatus | null {
  return TRANSITIONS[status][event] ?? null;
}

export function eventForDecision(decision: OrderDecision): OrderEvent {
  return EVENT_FOR_DECISION[decision];
}

/** Statuses from which `event` may be applied (the filter of the atomic update). */
export function statusesAllowing(event: OrderEvent): OrderStatus[] {
  return ORDER_STATUSES.filter((s) => nextOrderStatus(s, event) !== null);
}

export function isFinal(status: OrderStatus): boolean {
  return ORDER_EVENTS.every((e) => nextOrderStatus(status, e) === null);
}

/** An order is open while it still waits for a decision; a conversation has at most one open order. */
export function isOpen(status: OrderStatus): boolean {
  return status === "pending_approval";
}

export const MAX_REASON_LENGTH = 500;

/** A decision may carry a reason (the Slack reject modal asks for one); blank means none. */
export function normalizeDecisionReason(
  reason: string | undefined,
): { ok: true; reason?: string } | { ok: false; error: string } {
  const trimmed = reason?.trim();
  if (trimmed && trimmed.length > MAX_REASON_LENGTH)
    return { ok: false, error: "reason is longer than 500 characters" };
  return trimmed ? { ok: true, reason: trimmed } : { ok: true };
}

/** Human-friendly, unambiguous order id (Crockford base32, no I/L/O/U): "ORD-7K2M9QXA". */
export const ORDER_ID_PATTERN = /^ORD-[0-9A-HJKMNP-TV-Z]{8}$/;
export const orderIdSchema = z.string().regex(ORDER_ID_PATTERN, "order id like ORD-7K2M9QXA");

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Builds an order id from 8 random bytes' worth of entropy (caller supplies the bytes: pure). */
export function formatOrderId(randomBytes: Uint8Array): string {
  if (randomBytes.length < 8) throw new Error("need 8 random bytes");
  let id = "ORD-";
  for (let i = 0; i < 8; i += 1) id += CROCKFORD[(randomBytes[i] ?? 0) % 32];
  return id;
}
