// Builds the worker (WhatsApp side) from its dependencies: the Express app (/api/inngest with the
// worker functions, /healthz, the QR pairing page) and the gateway (transport → inbound pipeline →
// Inngest, plus the relay that re-announces what the engine missed). Used by worker/main.ts and by
// the sandbox and tests, which hand in their own config, database, transport and client.
import express from "express";
import type { Express, Router } from "express";
import type { InngestFunction } from "inngest";
import type { Config } from "../shared/config/index.js";
import type { DbHandle } from "../shared/db/index.js";
import { mountInngest, serveJsonErrors } from "../shared/http/index.js";
import type { InngestClient } from "../shared/inngest.js";
import type { Brain } from "./agent/brain/types.js";
import { createWorkerFunctions, type WorkerFunctions } from "./functions.js";
import type { EventPublisher } from "./gateway/event-publisher.js";
import { createInboundPipeline, inboundHandler, type InboundPipeline } from "./inbound/pipeline.js";
import { InboundRelay, type InboundRelayOptions } from "./inbound/relay.js";
import { silentLogger, type WorkerLogger } from "./logger.js";
import { createPairingRouter } from "./gateway/pairing.js";
import { announceSessionStatus } from "./gateway/session-status.js";
import type { Transport, Unsubscribe } from "./gateway/transport.js";

export interface WorkerDeps {
  config: Config;
  db: DbHandle;
  /** Whose accountId must equal config.whatsapp.accountId. */
  transport: Transport;
  inngest: InngestClient;
  logger?: WorkerLogger;
  /** Replaces `inngest` for announcing inbound messages (tests play an engine outage with it). */
  events?: EventPublisher;
  relay?: Pick<InboundRelayOptions, "intervalMs" | "maxIntervalMs" | "minAgeMs">;
  /** Who decides the agent's answers. Default: createBrain(config). */
  brain?: Brain;
  /** The functions served on /api/inngest. Default: createWorkerFunctions (every capability). */
  functions?: WorkerFunctions;
  /** Served next to the worker's own routes (e.g. the simulated phones' HTTP API). */
  routes?: Router;
}

export interface WorkerApp {
  /** Mount or listen: /api/inngest, /healthz, /qr. */
  http: Express;
  functions: InngestFunction.Any[];
  inbound: InboundPipeline;
  relay: InboundRelay;
  transport: Transport;
  /** Starts the relay and the transport (customer messages flow from here on). */
  start(): Promise<void>;
  /** Stops the transport (destroys the client, never logs out) and the relay. Idempotent. */
  stop(): Promise<void>;
}

export function createWorkerApp(deps: WorkerDeps): WorkerApp {
  const { config, db, transport, inngest } = deps;
  const logger = deps.logger ?? silentLogger;
  const accountId = config.whatsapp.accountId;
  if (transport.accountId !== accountId) {
    throw new Error(`transport is for account "${transport.accountId}", config for "${accountId}"`);
  }

  const functions = (deps.functions ?? createWorkerFunctions)({
    config,
    inngest,
    db,
    transport,
    logger,
    ...(deps.brain ? { brain: deps.brain } : {}),
  });

  const inbound = createInboundPipeline({
    accountId,
    db,
    transport,
    events: deps.events ?? inngest,
    keywords: { optOut: config.whatsapp.optOutKeywords, optIn: config.whatsapp.optInKeywords },
    logger,
  });
  const relay = new InboundRelay({ accountId, db, pipeline: inbound, logger, ...deps.relay });

  const http = express();
  http.disable("x-powered-by");
  mountInngest(http, { client: inngest, functions, serveOrigin: config.inngest.serveOrigin });
  if (config.whatsapp.adminToken) {
    http.use(createPairingRouter({ transport, adminToken: config.whatsapp.adminToken }));
  } else {
    http.get("/healthz", (_req, res) => {
      const { qr: _qr, ...status } = transport.status();
      res
        .status(status.state === "ready" ? 200 : 503)
        .set("Cache-Control", "no-store")
        .json({ accountId, ...status });
    });
    http.get("/qr", (_req, res) => {
      res.status(404).json({ error: "the pairing page is disabled: set WHATSAPP_ADMIN_TOKEN" });
    });
  }
  if (deps.routes) http.use(deps.routes);
  serveJsonErrors(http, logger);

  let unsubscribe: Unsubscribe[] = [];
  let started = false;
  return {
    http,
    functions,
    inbound,
    relay,
    transport,
    async start() {
      if (started) return;
      started = true;
      unsubscribe = [
        transport.onMessage(inboundHandler(inbound, logger)),
        announceSessionStatus(transport, deps.events ?? inngest, logger),
      ];
      relay.start();
      await transport.start();
      logger.info({ accountId, transport: config.whatsapp.transport }, "WhatsApp gateway started");
    },
    async stop() {
      if (!started) return;
      started = false;
      await transport.stop();
      for (const off of unsubscribe) off();
      unsubscribe = [];
      await relay.stop();
    },
  };
}
