// CRM automations: per trigger type a dispatcher (which automations does this event concern?) and a
// runner (one run per automation and event), the inactivity scan, and the recorder of runs that a
// disable cancelled. Inspection and dry runs for Slack are read by shared/db/automation-inspect.ts.
import type { InngestFunction } from "inngest";
import { TRIGGER_TYPES } from "../../shared/domain/automations.js";
import { createCancellationRecorder } from "./cancellations.js";
import type { AutomationDeps } from "./deps.js";
import { createAutomationDispatcher } from "./dispatch.js";
import { createInactivityScan } from "./inactivity-scan.js";
import { createAutomationRunner } from "./runner.js";

export type { AutomationDeps } from "./deps.js";
export { createAutomationRunner, runnerFunctionId, actionStepId, RUNS_PER_ACCOUNT } from "./runner.js";
export { createAutomationDispatcher, dispatcherFunctionId, runRequestedEventId } from "./dispatch.js";
export { INACTIVITY_SCAN_FUNCTION_ID, inactiveEventId } from "./inactivity-scan.js";
export { RECORD_CANCELLATIONS_FUNCTION_ID } from "./cancellations.js";
export {
  postWebhook,
  webhookSignature,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  DELIVERY_HEADER,
} from "./webhook.js";
export { AddressPolicy } from "./address-policy.js";

export function createAutomationFunctions(deps: AutomationDeps): InngestFunction.Any[] {
  return [
    ...TRIGGER_TYPES.flatMap((trigger) => [
      createAutomationDispatcher(trigger, deps),
      createAutomationRunner(trigger, deps),
    ]),
    createInactivityScan(deps),
    createCancellationRecorder(deps),
  ];
}
