// When an order gets its reminder and when it expires, counted from its creation (so a late start of
// the workflow does not stretch the 24 hours). Pure.
import type { Config } from "../../shared/config/index.js";

export interface ApprovalDeadlines {
  /** Undefined: no reminder (APPROVAL_REMINDER=0s, or not before the expiry). */
  remindAt?: Date;
  expiresAt: Date;
}

export function approvalDeadlines(createdAt: Date, timers: Config["timers"]): ApprovalDeadlines {
  const created = createdAt.getTime();
  const expiresAt = new Date(created + timers.approvalTimeoutMs);
  const remind = timers.approvalReminderMs;
  return remind > 0 && remind < timers.approvalTimeoutMs
    ? { remindAt: new Date(created + remind), expiresAt }
    : { expiresAt };
}
