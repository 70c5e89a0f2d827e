// Durable timers of the sales conversation: they act when the customer goes quiet.
import type { InngestFunction } from "inngest";
import { createDataCollectionTimer } from "./data-collection-timer.js";
import { createPromosTimer } from "./promos-timer.js";
import type { TimerDeps } from "./watch.js";

export { DATA_COLLECTION_TIMER_ID } from "./data-collection-timer.js";
export { PROMOS_TIMER_ID } from "./promos-timer.js";
export type { TimerDeps } from "./watch.js";

export function createTimerFunctions(deps: TimerDeps): InngestFunction.Any[] {
  return [createDataCollectionTimer(deps), createPromosTimer(deps)];
}
