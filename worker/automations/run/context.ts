// What every step of an automation run is given: the step tools, the run request (the event's data)
// and the records it is about.
import type { GetStepTools } from "inngest";
import type { EventData, automationRunRequested } from "../../../shared/events.js";
import type { InngestClient } from "../../../shared/inngest.js";

export type RunnerStep = GetStepTools<InngestClient>;

export type RunRequest = EventData<typeof automationRunRequested>;

/** The contact, conversation and order the run's conditions and variables read. */
export interface RunScope {
  contactId: string | undefined;
  conversationId: string | undefined;
  orderId: string | undefined;
}

export function runScope(request: RunRequest): RunScope {
  const data = request.source.data;
  return {
    contactId: request.contactId,
    conversationId: request.conversationId,
    orderId: typeof data["orderId"] === "string" ? data["orderId"] : undefined,
  };
}
