// Order updates for the customer: how their order was decided in Slack.
import type { InngestFunction } from "inngest";
import { createNotifyOrderDecision, type OrderUpdatesDeps } from "./notify-customer.js";

export { NOTIFY_ORDER_DECISION_ID, orderDecisionDedupeKey } from "./notify-customer.js";
export type { OrderUpdatesDeps } from "./notify-customer.js";

export function createOrderUpdateFunctions(deps: OrderUpdatesDeps): InngestFunction.Any[] {
  return [createNotifyOrderDecision(deps)];
}
