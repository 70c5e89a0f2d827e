// Ids of the events a Retry sends: "retry:<alert id>:<n>", new for every retry of an alert, the
// same for a repeated click on the same retry (so the engine keeps one).
const PREFIX = "retry:";

export function retryEventId(alertId: string, n: number): string {
  return `${PREFIX}${alertId}:${n}`;
}

export function isRetryEventId(id: string | undefined): boolean {
  return typeof id === "string" && id.startsWith(PREFIX);
}

/** Trigger condition for the runs a Retry started. */
export const RETRY_EVENT_CONDITION = `event.data.event.id.startsWith('${PREFIX}')`;
