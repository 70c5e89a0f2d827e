// The Inngest functions the worker (WhatsApp side) serves. Capability folders add theirs to
// createWorkerFunctions; test/shared/inngest-catalogue.test.ts checks the `functions` list against
// the event catalogue.
import type { InngestFunction } from "inngest";
import { loadConfig } from "../shared/config.js";
import { createInngestClient, workerAppId } from "../shared/inngest.js";
import { createProactiveSendFunction, type ProactiveSendDeps } from "./outbound/proactive-send.js";

export type WorkerFunctionDeps = ProactiveSendDeps;

/** Every worker function, wired to its dependencies (worker/app.ts calls this). */
export function createWorkerFunctions(deps: WorkerFunctionDeps): InngestFunction.Any[] {
  return [createProactiveSendFunction(deps)];
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
