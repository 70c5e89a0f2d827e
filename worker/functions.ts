// The Inngest functions the worker (WhatsApp side) serves. Capability folders add theirs to
// createWorkerFunctions; test/shared/inngest-catalogue.test.ts checks the `functions` list against
// the event catalogue.
import type { InngestFunction } from "inngest";
import { loadConfig, type Config } from "../shared/config.js";
import type { DbHandle } from "../shared/db/index.js";
import { createInngestClient, workerAppId } from "../shared/inngest.js";
import { createAgentFunctions } from "./agent/index.js";
import type { Brain } from "./agent/brain/types.js";
import { createProactiveSendFunction, type ProactiveSendDeps } from "./outbound/proactive-send.js";
import { createOrderUpdateFunctions } from "./order-updates/index.js";
import { createTimerFunctions } from "./timers/index.js";

/** Options of the sales agent and its timers. */
export interface AgentOptions {
  /** Default: createBrain(config) (Claude with ANTHROPIC_API_KEY, else the offline rules brain). */
  brain?: Brain;
}

export interface WorkerFunctionDeps extends ProactiveSendDeps {
  config: Config;
  db: DbHandle;
  /** The sales agent and its timers (default on); `false` leaves them out, e.g. in gateway tests. */
  agent?: AgentOptions | false;
}

/** Every worker function, wired to its dependencies (worker/app.ts calls this). */
export function createWorkerFunctions(deps: WorkerFunctionDeps): InngestFunction.Any[] {
  const agent = deps.agent ?? {};
  return [
    createProactiveSendFunction(deps),
    ...createOrderUpdateFunctions(deps),
    ...(agent === false
      ? []
      : [
          ...createAgentFunctions({
            config: deps.config,
            inngest: deps.inngest,
            db: deps.db,
            transport: deps.transport,
            ...(deps.logger ? { logger: deps.logger } : {}),
            ...(agent.brain ? { brain: agent.brain } : {}),
          }),
          ...createTimerFunctions({ config: deps.config, inngest: deps.inngest, db: deps.db }),
        ]),
  ];
}

/** Dependencies that only throw: enough to build the functions' configurations, never to run them. */
function inertDeps(): WorkerFunctionDeps {
  const config = loadConfig({});
  const inert = new Proxy(
    {},
    {
      get: (_target, name) => {
        throw new Error(
          `inert worker dependency used (${String(name)}): build functions with createWorkerFunctions`,
        );
      },
    },
  );
  return {
    config,
    inngest: createInngestClient(config, { appId: workerAppId(config) }),
    db: inert as WorkerFunctionDeps["db"],
    transport: inert as WorkerFunctionDeps["transport"],
  };
}

/**
 * The same functions (default account) with inert dependencies, for the catalogue check: it reads
 * triggers, flow-control keys and handler source, which do not depend on what the deps are.
 */
export const functions: InngestFunction.Any[] = createWorkerFunctions(inertDeps());
