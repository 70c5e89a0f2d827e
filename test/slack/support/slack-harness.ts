// Integration harness for the Slack side: the agent harness (embedded MongoDB, the local engine whose
// clock the product uses, worker apps with simulated phones) plus the simulated Slack workspace and
// the real Bolt app (createSlackSide) served over HTTP and synced with the engine. Clicks, modal
// submissions and slash commands reach Bolt as signed requests from the workspace.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { ConsoleLogger, Inngest } from "inngest";
import type { InngestFunction } from "inngest";
import { serve } from "inngest/express";
import { startSlackWorkspace, type SlackWorkspace } from "../../../sandbox/slack/index.js";
import { loadConfig, type Config, type Env } from "../../../shared/config/index.js";
import type { OrderDoc } from "../../../shared/db/index.js";
import { automationDefinitionToggled, orderCreated, orderDecided } from "../../../shared/events.js";
import { createInngestClient, registeredFunctionId, slackAppId } from "../../../shared/inngest.js";
import { APPROVAL_WORKFLOW_ID } from "../../../slack/approvals/approval-workflow.js";
import { createSlackSide, type SlackSide } from "../../../slack/app.js";
import { startAgentHarness, type AgentHarness } from "../../worker/agent/support/agent-harness.js";
import { eventually, listRuns, type ObservedEvent } from "../../worker/support/worker-harness.js";

export { eventually, listRuns, nextPhone } from "../../worker/support/worker-harness.js";

export interface SlackHarness extends AgentHarness {
  workspace: SlackWorkspace;
  slack: SlackSide;
  slackConfig: Config;
  /** Base URL of the web (Slack side) server. */
  webUrl: string;
  /** order/decided and automation/definition.toggled events the engine accepted. */
  slackEvents: ObservedEvent[];
  approvalFunctionId: string;
  /** A customer with complete data and a chosen pack, and their pending order (no event sent). */
  createOrder(accountId: string, phone: string, name?: string): Promise<OrderDoc>;
  /** Sends order/created for the order, as the agent does. */
  announceOrder(order: OrderDoc): Promise<void>;
  /** Waits until the order's approval card is posted and stored; returns its channel and ts. */
  cardOf(orderId: string): Promise<{ channel: string; ts: string }>;
}

const silent = () => new ConsoleLogger({ level: "silent" });

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
}

function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

export interface SlackHarnessOptions {
  env?: Env;
  /** How long the workspace waits for the app to go quiet after an interaction (default 300 ms). */
  settleQuietMs?: number;
}

export async function startSlackHarness(options: SlackHarnessOptions = {}): Promise<SlackHarness> {
  const env = options.env ?? {};
  const h = await startAgentHarness();
  const workspace = await startSlackWorkspace({
    db: h.db.db,
    ...(options.settleQuietMs !== undefined ? { settleQuietMs: options.settleQuietMs } : {}),
  });

  const slackConfig = loadConfig({
    INNGEST_DEV: "1",
    INNGEST_BASE_URL: h.engine.url,
    LOG_LEVEL: "silent",
    BUSINESS_HOURS: "00:00-24:00",
    BUSINESS_DAYS: "sun-sat",
    SLACK_BOT_TOKEN: workspace.botToken,
    SLACK_SIGNING_SECRET: workspace.signingSecret,
    SLACK_API_URL: workspace.apiUrl,
    SLACK_ADMIN_USER_IDS: workspace.adminUserIds.join(","),
    SLACK_APPROVER_USER_IDS: workspace.approverUserIds.join(","),
    ...env,
  });
  const appId = slackAppId(slackConfig);
  const slack = createSlackSide({
    config: slackConfig,
    inngest: createInngestClient(slackConfig, { appId, logger: silent() }),
    db: h.db,
    clientOptions: { retryConfig: { retries: 0 } },
  });
  const webServer = await listen(slack.http);
  const webUrl = urlOf(webServer);
  const synced = await h.engine.syncApp(`${webUrl}/api/inngest`);
  if (!synced.ok) throw new Error(`slack side sync failed: ${synced.status} ${synced.body}`);
  workspace.setBoltUrl(`${webUrl}/slack/events`);

  // Records what the Slack side announces, as the engine accepted it (duplicates dropped).
  const slackEvents: ObservedEvent[] = [];
  const observer = new Inngest({
    id: "slack-observer",
    baseUrl: h.engine.url,
    isDev: true,
    logger: silent(),
    internalLogger: silent(),
  });
  const record = (id: string, trigger: { name: string }): InngestFunction.Any =>
    observer.createFunction({ id, triggers: [trigger as typeof orderDecided] }, async ({ event }) => {
      slackEvents.push({ name: event.name, id: event.id, data: event.data as Record<string, unknown> });
      return "recorded";
    });
  const observerApp = express();
  observerApp.use(
    "/api/inngest",
    express.json({ limit: "10mb" }),
    serve({
      client: observer,
      functions: [
        record("record-decided", orderDecided),
        record("record-toggled", automationDefinitionToggled),
      ],
    }),
  );
  const observerServer = await listen(observerApp);
  await h.engine.syncApp(`${urlOf(observerServer)}/api/inngest`);

  return {
    ...h,
    workspace,
    slack,
    slackConfig,
    webUrl,
    slackEvents,
    approvalFunctionId: registeredFunctionId(appId, APPROVAL_WORKFLOW_ID),
    async createOrder(accountId, phone, name = "Ana López") {
      const { contact } = await h.db.contacts.upsertByPhone({ accountId, phone, profileName: name });
      const { conversation } = await h.db.conversations.getOrCreate({
        accountId,
        contactId: contact._id,
        phone,
      });
      await h.db.conversations.saveCollected(conversation._id, {
        name,
        address: "Av. Reforma 123, Col. Centro",
        city: "Ciudad de México",
      });
      await h.db.conversations.setOrderDraft(conversation._id, [{ sku: "COLAGENO-500", pack: "2x", qty: 1 }]);
      const created = await h.db.orders.createFromConversation({
        conversationId: conversation._id,
        source: "agent",
      });
      if (created.status !== "created") throw new Error(`order not created: ${JSON.stringify(created)}`);
      return created.order;
    },
    async announceOrder(order) {
      await h.sendEvents([
        {
          name: orderCreated.name,
          id: `order:${order._id}:created`,
          data: {
            orderId: order._id,
            accountId: order.accountId,
            conversationId: order.conversationId,
            contactId: order.contactId,
            total: { amountMinor: order.totalMinor, currency: order.currency },
            source: order.source,
            createdAt: order.createdAt.toISOString(),
          },
        },
      ]);
    },
    async cardOf(orderId) {
      return eventually(
        async () => {
          const order = await h.db.orders.getById(orderId);
          return order?.slack ? { channel: order.slack.channel, ts: order.slack.ts } : undefined;
        },
        10_000,
        `the approval card of ${orderId}`,
      );
    },
    async stop() {
      await close(observerServer);
      await close(webServer);
      await workspace.stop();
      await h.stop();
    },
  };
}

/** The approval workflow's runs for one order. */
export async function approvalRuns(h: SlackHarness, orderId: string) {
  const runs = (await listRuns(h.engine.url, h.approvalFunctionId)) as Array<
    Awaited<ReturnType<typeof listRuns>>[number] & {
      event: { data: Record<string, unknown> };
      waitingFor?: string;
    }
  >;
  return runs.filter((r) => r.event.data["orderId"] === orderId);
}
