// Durable timers of the sales conversation (seed 000): they act when the customer goes quiet.
import type { InngestFunction } from "inngest";
import { createDataCollectionTimer, type TimerDeps } from "./data-collection-timer.js";
import { createPromosTimer } from "./promos-timer.js";

export {
  DATA_COLLECTION_TIMER_ID,
  createDataCollectionTimer,
  type TimerDeps,
} from "./data-collection-timer.js";
export { PROMOS_TIMER_ID, createPromosTimer, defaultSelection, placeTimeoutOrder } from "./promos-timer.js";
export { decideAfterWait, type SilenceAction, type SilenceRules } from "./silence.js";

export function createTimerFunctions(deps: TimerDeps): InngestFunction.Any[] {
  return [createDataCollectionTimer(deps), createPromosTimer(deps)];
}
