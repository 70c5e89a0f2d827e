// The Inngest functions the worker (WhatsApp side) serves, wired to their dependencies. Capability
// folders add theirs here; test/shared/inngest-catalogue.test.ts reads their source and checks every
// one against the event catalogue.
import type { InngestFunction } from "inngest";
import type { Config } from "../shared/config/index.js";
import type { DbHandle } from "../shared/db/index.js";
import { createAgentFunctions } from "./agent/index.js";
import { createAutomationFunctions } from "./automations/index.js";
import type { Brain } from "./agent/brain/types.js";
import { createProactiveSendFunction, type ProactiveSendDeps } from "./outbound/proactive-send.js";
import { createSendStaffReply } from "./handoff/send-staff-reply.js";
import { createOrderUpdateFunctions } from "./order-updates/index.js";
import { createTimerFunctions } from "./timers/index.js";

export interface WorkerFunctionDeps extends ProactiveSendDeps {
  config: Config;
  db: DbHandle;
  /** Who decides the agent's answers. Default: createBrain(config) (Claude with ANTHROPIC_API_KEY, else the offline rules). */
  brain?: Brain;
}

/** What the worker serves. */
export type WorkerFunctions = (deps: WorkerFunctionDeps) => InngestFunction.Any[];

/** Messages to customers outside a conversation turn (nudges, order decisions, handed-off replies). */
export const createOutboundFunctions: WorkerFunctions = (deps) => [
  createProactiveSendFunction(deps),
  createSendStaffReply(deps),
  ...createOrderUpdateFunctions(deps),
];

/** The sales conversation: the agent that answers and the timers that act when the customer goes quiet. */
export const createSalesFunctions: WorkerFunctions = (deps) => [
  ...createAgentFunctions({
    config: deps.config,
    inngest: deps.inngest,
    db: deps.db,
    transport: deps.transport,
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.brain ? { brain: deps.brain } : {}),
  }),
  ...createTimerFunctions({ config: deps.config, inngest: deps.inngest, db: deps.db }),
];

/** Every worker function (what worker/app.ts serves unless told otherwise). */
export const createWorkerFunctions: WorkerFunctions = (deps) => [
  ...createOutboundFunctions(deps),
  ...createSalesFunctions(deps),
  ...createAutomationFunctions(deps),
];
