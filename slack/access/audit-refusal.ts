// A refused attempt (a button or command by someone without the role) leaves a trace in the audit log.
import type { DbHandle } from "../../shared/db/index.js";
import type { AuditSubjectType } from "../../shared/db/index.js";

export async function auditRefusal(
  db: Pick<DbHandle, "audit">,
  attempt: { userId: string; action: string; subject: { type: AuditSubjectType; id: string }; what: string },
): Promise<void> {
  await db.audit.record({
    actor: { kind: "slack_user", id: attempt.userId },
    action: attempt.action,
    subject: attempt.subject,
    details: { attempted: attempt.what.slice(0, 200) },
  });
}
