// Fault: Slack's Web API answers HTTP 500, then `ratelimited` (429 with Retry-After), when a new
// order's approval card is posted (simulated workspace, the Slack side's real Bolt app). Must hold:
// the post is retried (by Bolt's client as the product configures it, or by the workflow's step on
// the engine's clock), one card shows in the channel, and one click decides it; the customer is told once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPROVAL_WORKFLOW_ID } from "../../../slack/approvals/approval-workflow.js";
import {
  nextCustomerPhone,
  startServicesSandbox,
  until,
  type ServicesSandbox,
  type ServicesSandboxOptions,
} from "../support/services-sandbox.js";

const DATA = [
  "me llamo Ana López",
  "mi teléfono es 55 1234 5678",
  "mi dirección es Av. Reforma 123, Col. Centro",
  "ciudad: CDMX",
];

interface SlackMessage {
  ts: string;
  text: string;
  blocks: unknown[];
  thread_ts?: string;
}

/** A sandbox for the tests of one describe block. */
function sandboxFor(options: ServicesSandboxOptions = {}): () => ServicesSandbox {
  let s: ServicesSandbox | undefined;
  beforeAll(async () => {
    s = await startServicesSandbox({ ...options, env: { DATA_COLLECTION_MAX_NUDGES: "0" } });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });
  return () => s!;
}

/** The customer writes these messages at once; the agent answers after its debounce. */
async function say(s: ServicesSandbox, phone: string, ...texts: string[]): Promise<void> {
  for (const text of texts) expect((await s.write(phone, text)).status).toBe(202);
  await s.advance(3_000);
}

async function approvalsChannel(s: ServicesSandbox): Promise<SlackMessage[]> {
  const res = await fetch(`${s.url}/sandbox/slack/messages?channel=approvals`);
  return ((await res.json()) as { messages: SlackMessage[] }).messages;
}

/**
 * A customer orders while Slack fails the next chat.postMessage with a 500 and then `ratelimited`;
 * `meanwhile` moves the engine's clock while the card is due. Checks one card, the three attempts,
 * the workflow waiting, and that the card decides the order once.
 */
async function orderUnderSlackFaults(s: ServicesSandbox, meanwhile: (orderId: string) => Promise<void>) {
  const workspace = s.running.workspace!;
  const phone = nextCustomerPhone();
  await say(s, phone, "hola", ...DATA);
  await say(s, phone, "2");
  const before = await approvalsChannel(s);
  const postsBefore = workspace.calls("chat.postMessage").length;

  workspace.failNextCalls(
    "chat.postMessage",
    { kind: "http_500" },
    { kind: "ratelimited", retryAfterSeconds: 1 },
  );
  await say(s, phone, "sí");
  expect((await s.received(phone)).at(-1)).toMatch(/^¡Listo! Registré tu pedido:/);
  const conversation = await s.running.db.conversations.findByPhone(s.config.whatsapp.accountId, phone);
  const [order] = await s.running.db.orders.listByConversation(conversation!._id);
  expect(order?.status).toBe("pending_approval");
  const orderId = order!._id;

  await meanwhile(orderId);
  const card = await until(
    "the approval card",
    async () => (await s.running.db.orders.getById(orderId))?.slack,
  );
  const cards = (await approvalsChannel(s)).slice(before.length);
  expect(cards.map((m) => m.ts)).toEqual([card.ts]);
  expect(JSON.stringify(cards[0]?.blocks)).toContain(orderId);
  // Three attempts reached Slack: the 500, the rate-limited one, the one that posted.
  const posts = workspace.calls("chat.postMessage").slice(postsBefore);
  expect(posts.map((c) => c.failedWith ?? 200)).toEqual([500, 429, 200]);
  expect(workspace.pendingFaults()).toBe(0);

  // The workflow went on to wait for the decision.
  const run = await until("the workflow waiting for a decision", async () => {
    const runs = (await s.runs("slack", APPROVAL_WORKFLOW_ID)).filter(
      (r) => r.event.data["orderId"] === orderId,
    );
    return runs.length === 1 && runs[0]?.status === "waiting" ? runs[0] : undefined;
  });

  // The one card works: an approver's click decides the order, the customer is told once.
  const click = await fetch(`${s.url}/sandbox/slack/actions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      channel: card.channel,
      ts: card.ts,
      actionId: "order_approve",
      value: orderId,
      userId: workspace.users.approver.id,
    }),
  });
  expect(click.status).toBe(200);
  expect((await s.running.db.orders.getById(orderId))?.status).toBe("approved");
  await s.advance(1_000);
  const notices = await until("the approval notice", async () => {
    const found = (await s.received(phone)).filter((t) => t.includes(orderId));
    return found.length > 0 ? found : undefined;
  });
  expect(notices).toHaveLength(1);
  await s.advance(60_000);
  expect((await s.received(phone)).filter((t) => t.includes(orderId))).toHaveLength(1);
  expect((await approvalsChannel(s)).slice(before.length).filter((m) => !m.thread_ts)).toHaveLength(1);
  return { postCard: run.steps.find((step) => step.id === "post-card") };
}

describe("Slack answering 500 and ratelimited on the approval card: Bolt's client as the product runs it", () => {
  const s = sandboxFor();

  it("the client retries within the post: one card, and it decides the order once", async () => {
    const { postCard } = await orderUnderSlackFaults(s(), async () => {});
    expect(postCard).toMatchObject({ status: "completed", attempts: 1 });
  }, 120_000);
});

describe("Slack answering 500 and ratelimited on the approval card: a client that does not retry", () => {
  const s = sandboxFor({ slackClientOptions: { retryConfig: { retries: 0 } } });

  it("the workflow's step is retried on the engine's clock: one card, and it decides the order once", async () => {
    const { postCard } = await orderUnderSlackFaults(s(), async (orderId) => {
      // Each failed attempt waits for the engine's backoff (1 s, then 2 s of engine time).
      for (let i = 0; i < 6 && !(await s().running.db.orders.getById(orderId))?.slack; i += 1) {
        await s().advance(2_000);
      }
    });
    expect(postCard).toMatchObject({ status: "completed", attempts: 3 });
  }, 120_000);
});
