// The worker harness with the sales agent and its timers switched on: embedded MongoDB, the local
// engine (whose clock the product uses, so "6 minutes later" is one POST /clock/advance), sandbox
// phones, and an observer that records the agent's and orders' events as the engine accepted them.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { ConsoleLogger, Inngest } from "inngest";
import type { InngestFunction } from "inngest";
import { serve } from "inngest/express";
import { clock } from "../../../../shared/clock.js";
import type { Env } from "../../../../shared/config/index.js";
import type { ConversationDoc } from "../../../../shared/db/index.js";
import {
  agentBrainFailed,
  agentHandoffRequested,
  agentModeChanged,
  agentPromosOffered,
  orderCreated,
  whatsappMessageSendRequested,
} from "../../../../shared/events.js";
import { registeredFunctionId, workerAppId } from "../../../../shared/inngest.js";
import type { Brain, BrainContext, BrainDecision } from "../../../../worker/agent/brain/types.js";
import { createRulesBrain } from "../../../../worker/agent/brain/rules.js";
import { createWorkerFunctions } from "../../../../worker/functions.js";
import {
  listRuns,
  startHarness,
  type Harness,
  type ObservedEvent,
  type RunSummary,
  type TestWorker,
} from "../../support/worker-harness.js";

export { eventually, listRuns, nextPhone } from "../../support/worker-harness.js";

/** Every business hour open, the shortest debounce Inngest allows, no pause before the promos list. */
export const FAST_AGENT_ENV: Env = {
  AGENT_DEBOUNCE: "1s",
  AGENT_MODE_TRANSITION_DELAY: "0s",
  BUSINESS_HOURS: "00:00-24:00",
  BUSINESS_DAYS: "sun-sat",
};

export interface AgentHarness extends Harness {
  /** agent/*, order/created and whatsapp/message.send-requested events the engine accepted. */
  agentEvents: ObservedEvent[];
  startAgentWorker(accountId: string, env?: Env, brain?: Brain): Promise<AgentWorker>;
}

/** A run as GET /runs shows it (the fields these tests read). */
export type AgentRun = RunSummary & {
  event: { data: Record<string, unknown> };
  waitingFor?: string;
  until?: string;
};

export interface AgentWorker extends TestWorker {
  fnId(fn: string): string;
  /** The customer writes one or more messages at once; resolves once the agent has answered. */
  say(phone: string, ...texts: string[]): Promise<void>;
  conversation(phone: string): Promise<ConversationDoc>;
  /** Texts the customer's phone received, oldest first. */
  received(phone: string): string[];
  /** Runs of one of this worker's functions, optionally only those about one conversation. */
  runs(fn: string, conversationId?: string): Promise<AgentRun[]>;
}

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
}

export async function startAgentHarness(): Promise<AgentHarness> {
  const h = await startHarness();
  const restoreClock = clock.use(() => h.engine.nowMs());

  const agentEvents: ObservedEvent[] = [];
  const silent = () => new ConsoleLogger({ level: "silent" });
  const observer = new Inngest({
    id: "agent-observer",
    baseUrl: h.engine.url,
    isDev: true,
    logger: silent(),
    internalLogger: silent(),
  });
  const record = (id: string, trigger: { name: string }): InngestFunction.Any =>
    observer.createFunction({ id, triggers: [trigger as typeof agentModeChanged] }, async ({ event }) => {
      agentEvents.push({ name: event.name, id: event.id, data: event.data as Record<string, unknown> });
      return "recorded";
    });
  const app = express();
  app.use(
    "/api/inngest",
    express.json({ limit: "10mb" }),
    serve({
      client: observer,
      functions: [
        record("record-mode-changed", agentModeChanged),
        record("record-promos-offered", agentPromosOffered),
        record("record-handoff", agentHandoffRequested),
        record("record-brain-failed", agentBrainFailed),
        record("record-order-created", orderCreated),
        record("record-send-requested", whatsappMessageSendRequested),
      ],
    }),
  );
  const server = await listen(app);
  await h.engine.syncApp(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`);

  return {
    ...h,
    agentEvents,
    async startAgentWorker(accountId, env = {}, brain) {
      const worker = await h.startWorker(
        accountId,
        { ...FAST_AGENT_ENV, ...env },
        { functions: createWorkerFunctions, ...(brain ? { brain } : {}) },
      );
      const appId = workerAppId(worker.config);
      const debounceMs = worker.config.agent.debounceMs;
      return {
        ...worker,
        fnId: (fn) => registeredFunctionId(appId, fn),
        async say(phone, ...texts) {
          for (const text of texts) await worker.phones.receive({ from: phone, text, name: "Ana" });
          // The debounce runs on the engine's clock: move it past the quiet period, then let the runs settle.
          await h.engine.advance(debounceMs + 50);
          await h.engine.settle();
        },
        async conversation(phone) {
          const conversation = await h.db.conversations.findByPhone(accountId, phone);
          if (!conversation) throw new Error(`no conversation with ${phone}`);
          return conversation;
        },
        received: (phone) => worker.phones.outbound(phone).map((m) => m.text),
        async runs(fn, conversationId) {
          const runs = (await listRuns(h.engine.url, registeredFunctionId(appId, fn))) as AgentRun[];
          return conversationId === undefined
            ? runs
            : runs.filter((r) => r.event.data["conversationId"] === conversationId);
        },
      };
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      restoreClock();
      await h.stop();
    },
  };
}

/** A brain that records what it was asked: how many calls, and which messages each call saw. */
export function countingBrain(inner: Brain = createRulesBrain()): Brain & { calls: BrainContext[] } {
  const calls: BrainContext[] = [];
  return {
    kind: inner.kind,
    calls,
    async decide(context): Promise<BrainDecision> {
      calls.push(context);
      return inner.decide(context);
    },
  };
}

/** Events of one kind for one conversation. */
export function eventsFor(h: AgentHarness, name: string, conversationId: string): ObservedEvent[] {
  return h.agentEvents.filter((e) => e.name === name && e.data["conversationId"] === conversationId);
}
