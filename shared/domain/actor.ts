// Who did something: a Slack user (approvals, /automation), the system (timeouts, timers), the customer
// (opt-out, cancel) or the AI agent. Stored on decisions and in the audit log.
import { z } from "zod";

export const actorSchema = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("slack_user"),
      /** Slack user id, e.g. U024BE7LH. */
      id: z.string().regex(/^[UW][A-Z0-9]{2,20}$/, "Slack user id"),
      name: z.string().min(1).max(120).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal("system"),
      /** What acted, e.g. "approval-timeout", "promos-timer". */
      id: z.string().min(1).max(80),
    })
    .strict(),
  z.object({ kind: z.literal("customer"), id: z.string().min(1).max(80) }).strict(),
  z.object({ kind: z.literal("agent"), id: z.string().min(1).max(80) }).strict(),
]);
export type Actor = z.infer<typeof actorSchema>;

/** Short text for Slack and logs ("<@U123>" style is the Slack side's business). */
export function describeActor(actor: Actor): string {
  switch (actor.kind) {
    case "slack_user":
      return actor.name ? `${actor.name} (${actor.id})` : actor.id;
    case "system":
      return `system:${actor.id}`;
    case "customer":
      return "the customer";
    case "agent":
      return `agent:${actor.id}`;
  }
}
