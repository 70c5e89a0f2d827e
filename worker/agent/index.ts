// The sales agent capability: the Inngest function that answers customers (handle-message).
import type { InngestFunction } from "inngest";
import { createHandleMessageFunction, type AgentFunctionDeps } from "./handle-message.js";

export {
  HANDLE_MESSAGE_FUNCTION_ID,
  createHandleMessageFunction,
  type AgentFunctionDeps,
} from "./handle-message.js";

export function createAgentFunctions(deps: AgentFunctionDeps): InngestFunction.Any[] {
  return [createHandleMessageFunction(deps)];
}
