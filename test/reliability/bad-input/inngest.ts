// /api/inngest on both sides. In the sandbox (dev mode, unsigned by design) a call the SDK would
// answer with a 500 and its stack is refused at our edge; in production (cloud mode, signing key)
// an unsigned, forged, tampered or replayed call is refused before any function runs, and a sync
// registers the configured origin whatever Host it names.
import { expect } from "vitest";
import { canonicalJson } from "../../../sandbox/engine/canonical-json.js";
import { signBody } from "../../../sandbox/engine/signing.js";
import { registeredFunctionId, slackAppId, workerAppId } from "../../../shared/inngest.js";
import { APPROVAL_WORKFLOW_ID } from "../../../slack/approvals/approval-workflow.js";
import { HANDLE_MESSAGE_FUNCTION_ID } from "../../../worker/agent/handle-message.js";
import { SECRETS, type BadInputStack, type RawRequest, type Target } from "../support/bad-input-stack.js";
import { bigJson, jsonError, MB, postJson, type Row, type RowOutcome } from "./rows.js";
import { phone } from "./phones.js";

const PATH = "/api/inngest";
const handleMessage = (s: BadInputStack) =>
  registeredFunctionId(workerAppId(s.prodConfig), HANDLE_MESSAGE_FUNCTION_ID);
const approvalWorkflow = (s: BadInputStack) =>
  registeredFunctionId(slackAppId(s.prodConfig), APPROVAL_WORKFLOW_ID);
const now = () => Math.floor(Date.now() / 1000);

/** A call as the executor makes it: the triggering event (a customer's message), no steps done yet. */
function executorCall(data: Record<string, unknown> = {}): Record<string, unknown> {
  const event = {
    name: "whatsapp/message.received",
    id: "wa:default:BADINPUT-EXEC-1",
    ts: 1_796_000_000_000,
    data: {
      accountId: "default",
      conversationId: "cv_badinput000000",
      contactId: "ct_badinput000000",
      messageId: "BADINPUT-EXEC-1",
      phone: phone(40),
      text: "hola",
      type: "text",
      receivedAt: "2026-12-01T00:00:00.000Z",
      ...data,
    },
  };
  return {
    version: 2,
    event,
    events: [event],
    steps: {},
    ctx: {
      run_id: "01BADINPUTRUN0000000000000",
      attempt: 0,
      max_attempts: 1,
      disable_immediate_execution: false,
      use_api: false,
      stack: { stack: [], current: 0 },
    },
  };
}

/** A POST to a function, with `signature` as the X-Inngest-Signature header (none if undefined). */
function call(fnId: string, body: string, signature?: string): RawRequest {
  return postJson(
    `${PATH}?fnId=${encodeURIComponent(fnId)}&stepId=step`,
    body,
    signature ? { "x-inngest-signature": signature } : {},
  );
}

/** The SDK's refusal of a call it cannot authenticate, and why (from its own log line). */
function unauthorized(why: RegExp) {
  return ({ answer, logs }: RowOutcome): void => {
    expect(answer!.status, answer!.body).toBe(401);
    expect(JSON.parse(answer!.body)).toEqual({ message: "Unauthorized" });
    expect(logs).toMatch(why);
  };
}

const body = canonicalJson(executorCall());

async function registeredUrls(s: BadInputStack, appId: string): Promise<string[]> {
  const { apps } = (await (await fetch(`${s.urls.prodEngine}/apps`)).json()) as {
    apps: { id: string; url: string }[];
  };
  return apps.filter((a) => a.id === appId).map((a) => a.url);
}

const devRows = (target: Target, side: string, fnId: (s: BadInputStack) => string): Row[] => [
  {
    name: `/api/inngest (${side}, dev): a call without fnId`,
    target,
    request: postJson(PATH, body),
    expect: jsonError(400, /^fnId query parameter is required$/),
  },
  {
    name: `/api/inngest (${side}, dev): a call for a function the app does not serve`,
    target,
    request: call("salesbot-no-such-function", body),
    expect: jsonError(404, /^fnId names no function of this app$/),
  },
  {
    name: `/api/inngest (${side}, dev): a call whose body is no executor call`,
    target,
    request: (s) => call(fnId(s), '{"steps": []}'),
    expect: jsonError(400, /^body must be an executor call \(a JSON object with an event\)$/),
  },
  {
    name: `/api/inngest (${side}, dev): malformed JSON`,
    target,
    request: (s) => call(fnId(s), '{"event": {"name": '),
    expect: jsonError(400, /^body is not valid JSON$/),
  },
];

export const inngestRows: Row[] = [
  ...devRows("worker", "worker", handleMessage),
  ...devRows("web", "Slack side", approvalWorkflow),
  {
    name: "/api/inngest (worker, dev): a 20 MB call",
    target: "worker",
    request: (s) => call(handleMessage(s), bigJson(20 * MB, { event: { name: "x" } })),
    expect: jsonError(413, /^body is too large$/),
  },
  {
    name: "/api/inngest (Slack side, dev): Content-Encoding x-unknown",
    target: "web",
    request: (s) => ({
      ...call(approvalWorkflow(s), body),
      headers: { "content-type": "application/json", "content-encoding": "x-unknown" },
    }),
    expect: jsonError(415, /^unsupported content encoding/),
  },
  {
    name: "/api/inngest (worker, dev): charset=latin1",
    target: "worker",
    request: (s) => ({
      ...call(handleMessage(s), body),
      headers: { "content-type": "application/json; charset=latin1" },
    }),
    expect: jsonError(415, /^unsupported charset/),
  },
  {
    name: "/api/inngest (worker, dev): a sync with ?fnId= in its query",
    target: "worker",
    request: { method: "PUT", path: `${PATH}?fnId=salesbot-worker-default-handle-message` },
    expect: jsonError(400, /^a sync takes no query parameters other than deployId$/),
  },
  {
    name: '/api/inngest (worker, dev): an event whose conversationId is {"$gt": ""}',
    target: "worker",
    request: (s) => call(handleMessage(s), canonicalJson(executorCall({ conversationId: { $gt: "" } }))),
    internalsBecause:
      "dev mode runs unsigned calls by design; the SDK tells the executor how the function failed",
    expect: ({ answer }) => {
      // The function's own check of its event: a failure the engine records, never a query.
      expect(answer!.status, answer!.body).toBe(400);
      expect(JSON.parse(answer!.body)).toMatchObject({
        name: "EventValidationError",
        message: expect.stringMatching(/conversationId: Invalid input: expected string, received object/),
      });
    },
  },
  {
    name: "/api/inngest (worker, production): an unsigned call",
    target: "prodWorker",
    request: (s) => call(handleMessage(s), body),
    expect: unauthorized(/No x-inngest-signature provided/),
  },
  {
    name: "/api/inngest (worker, production): signed with another key (forged)",
    target: "prodWorker",
    request: (s) =>
      call(handleMessage(s), body, signBody(body, "signkey-prod-00112233445566778899aabbccddeeff", now())),
    expect: unauthorized(/Invalid signature/),
  },
  {
    name: "/api/inngest (worker, production): a signed call replayed 10 minutes later",
    target: "prodWorker",
    request: (s) => call(handleMessage(s), body, signBody(body, SECRETS.inngestSigningKey, now() - 600)),
    expect: unauthorized(/Signature has expired/),
  },
  {
    name: "/api/inngest (worker, production): a valid signature over another body (tampered)",
    target: "prodWorker",
    request: (s) =>
      call(
        handleMessage(s),
        canonicalJson(executorCall({ text: "dame todo gratis" })),
        signBody(body, SECRETS.inngestSigningKey, now()),
      ),
    expect: unauthorized(/Invalid signature/),
  },
  {
    name: "/api/inngest (Slack side, production): a garbage signature header",
    target: "prodWeb",
    request: (s) => call(approvalWorkflow(s), body, "t=soon&s=zz"),
    expect: unauthorized(/Signature has expired|Invalid signature/),
  },
  {
    name: "/api/inngest (Slack side, production): signed with another key (forged)",
    target: "prodWeb",
    request: (s) =>
      call(approvalWorkflow(s), body, signBody(body, "signkey-prod-ffeeddccbbaa99887766554433221100", now())),
    expect: unauthorized(/Invalid signature/),
  },
  {
    name: "/api/inngest (worker, production): an unsigned GET asking for the app's functions",
    target: "prodWorker",
    request: { path: PATH },
    expect: unauthorized(/No x-inngest-signature provided/),
  },
  {
    name: "/api/inngest (worker, production): a sync with a forged Host header",
    target: "prodWorker",
    request: { method: "PUT", path: PATH, headers: { host: "evil.example:8080" } },
    expect: async ({ answer, s }) => {
      expect(answer!.status, answer!.body).toBe(200);
      expect(await registeredUrls(s, workerAppId(s.prodConfig))).toEqual([
        `${s.prodConfig.inngest.serveOrigin}${PATH}`,
      ]);
    },
  },
];
