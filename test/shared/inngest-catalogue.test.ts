// The catalogue check the Ground floor issue asks for: walks every function the two sides serve and fails
// when a waitForEvent/cancelOn `match` field is missing from either event's schema, or when a function is
// triggered by an event that is not in the catalogue. The first block proves the checker catches each
// mistake (so the last block cannot pass vacuously while worker/ and slack/ are still empty).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { eventType } from "inngest";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { loadConfig } from "../../shared/config/index.js";
import {
  agentModeChanged,
  agentPromosOffered,
  orderCreated,
  orderDecided,
  whatsappMessageReceived,
} from "../../shared/events.js";
import {
  checkFunctions,
  checkWaitCoverage,
  extractWaits,
  stripComments,
  type SourceFile,
} from "../../shared/inngest-catalogue-check.js";
import { createInngestClient } from "../../shared/inngest.js";
import { approveOrderFixture } from "./fixtures/served-functions.js";
import { functions as slackFunctions } from "../../slack/functions.js";
import { functions as workerFunctions } from "../../worker/functions.js";
import { HANDLE_MESSAGE_FUNCTION_ID } from "../../worker/agent/handle-message.js";
import { PROACTIVE_SEND_FUNCTION_ID } from "../../worker/outbound/proactive-send.js";
import { DATA_COLLECTION_TIMER_ID } from "../../worker/timers/data-collection-timer.js";
import { PROMOS_TIMER_ID } from "../../worker/timers/promos-timer.js";

const inngest = createInngestClient(loadConfig({}), { appId: "catalogue-test" });

// ---- fixtures: one correct function, and one per mistake ----

const approveOrder = inngest.createFunction(
  {
    id: "approve-order",
    triggers: [orderCreated],
    cancelOn: [{ event: whatsappMessageReceived, match: "data.conversationId" }],
    concurrency: { key: "event.data.orderId", limit: 1 },
  },
  async ({ event, step }) => {
    const decision = await step.waitForEvent("wait-for-decision", {
      event: orderDecided,
      match: "data.orderId",
      timeout: "24h",
    });
    const reply = await step.waitForEvent("wait-for-customer", {
      event: "whatsapp/message.received",
      if: `async.data.conversationId == event.data.conversationId && async.data.accountId == '${event.data.accountId}'`,
      timeout: "10m",
    });
    return { decision: decision?.data.decision ?? "expired", replied: reply !== null };
  },
);

const dataCollectionTimer = inngest.createFunction(
  {
    id: "data-collection-timer",
    triggers: [{ event: agentModeChanged, if: "event.data.to == 'collecting_data'" }],
    debounce: { key: "event.data.conversationId", period: "2s" },
  },
  async ({ step }) => {
    // A commented-out call is not a wait: step.waitForEvent("old", { event: "x/y.z" })
    return step.waitForEvent("next-message", {
      event: whatsappMessageReceived,
      match: "data.conversationId",
      timeout: "6m",
    });
  },
);

const wrongMatchField = inngest.createFunction(
  { id: "wrong-match-field", triggers: [orderCreated] },
  async ({ step }) =>
    // The seed's classic: the decision event has orderId, not approvalId.
    step.waitForEvent("wait-approval", { event: orderDecided, match: "data.approvalId", timeout: "24h" }),
);

const fieldOnlyInTrigger = inngest.createFunction(
  { id: "field-only-in-trigger", triggers: [agentPromosOffered] },
  // packIds exists on agent/promos.offered but not on whatsapp/message.received.
  async ({ step }) =>
    step.waitForEvent("wait", { event: whatsappMessageReceived, match: "data.packIds", timeout: "10m" }),
);

const unknownTrigger = inngest.createFunction(
  { id: "unknown-trigger", triggers: [{ event: "order/approved" }] },
  async () => "never runs",
);

const foreignEventType = inngest.createFunction(
  {
    id: "foreign-event-type",
    triggers: [eventType("order/created", { schema: z.object({ orderId: z.string() }) })],
  },
  async () => "declared twice",
);

const wrongCancelOn = inngest.createFunction(
  {
    id: "wrong-cancel-on",
    triggers: [agentModeChanged],
    cancelOn: [{ event: whatsappMessageReceived, match: "data.sessionId" }],
  },
  async () => "ok",
);

const unknownAwaitedEvent = inngest.createFunction(
  { id: "unknown-awaited", triggers: [orderCreated] },
  async ({ step }) =>
    step.waitForEvent("wait", { event: "slack/order.approved", match: "data.orderId", timeout: "1h" }),
);

const localEventAlias = orderDecided;
const unresolvableEvent = inngest.createFunction(
  { id: "unresolvable", triggers: [orderCreated] },
  async ({ step }) =>
    step.waitForEvent("wait", { event: localEventAlias, match: "data.orderId", timeout: "1h" }),
);

const misspeltKey = inngest.createFunction(
  {
    id: "misspelt-key",
    triggers: [whatsappMessageReceived],
    debounce: { key: "event.data.conversationID", period: "2s" },
  },
  async () => "ok",
);

const badTriggerIf = inngest.createFunction(
  { id: "bad-trigger-if", triggers: [{ event: agentModeChanged, if: "event.data.mode == 'promos'" }] },
  async () => "ok",
);

const badIfCondition = inngest.createFunction({ id: "bad-if", triggers: [orderCreated] }, async ({ step }) =>
  step.waitForEvent("wait", {
    event: orderDecided,
    if: "async.data.order_id == event.data.orderId",
    timeout: "1h",
  }),
);

describe("checkFunctions", () => {
  it("passes correct functions (match, if with interpolation, cancelOn, trigger if, flow-control keys)", () => {
    expect(checkFunctions([approveOrder, dataCollectionTimer])).toEqual([]);
  });

  it("fails when a waitForEvent match field is missing from both events", () => {
    const violations = checkFunctions([wrongMatchField]);
    expect(violations.map((v) => v.kind)).toEqual(["match-field-missing", "match-field-missing"]);
    expect(violations[0]?.message).toMatch(
      /data\.approvalId is missing from the triggering event "order\/created"/,
    );
    expect(violations[1]?.message).toMatch(/missing from the awaited event "order\/decided"/);
  });

  it("fails when the match field exists in the trigger but not in the awaited event", () => {
    const violations = checkFunctions([fieldOnlyInTrigger]);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toMatch(/awaited event "whatsapp\/message.received"/);
  });

  it("fails when a function is triggered by an event that is not in the catalogue", () => {
    expect(checkFunctions([unknownTrigger])).toEqual([
      expect.objectContaining({ functionId: "unknown-trigger", kind: "unknown-trigger" }),
    ]);
  });

  it("fails when an event is declared a second time outside the catalogue", () => {
    expect(checkFunctions([foreignEventType]).map((v) => v.kind)).toEqual(["foreign-event-type"]);
  });

  it("fails on a cancelOn match field missing from the events", () => {
    const violations = checkFunctions([wrongCancelOn]);
    expect(violations.map((v) => v.kind)).toEqual(["match-field-missing", "match-field-missing"]);
    expect(violations[0]?.message).toMatch(/cancelOn "whatsapp\/message.received"/);
  });

  it("fails closed on waits it cannot check, and on waits for unknown events", () => {
    expect(checkFunctions([unknownAwaitedEvent]).map((v) => v.kind)).toEqual(["unknown-event"]);
    expect(checkFunctions([unresolvableEvent]).map((v) => v.kind)).toEqual(["unresolvable-wait"]);
  });

  it("fails on if-conditions and keys that name fields the events do not have", () => {
    expect(checkFunctions([misspeltKey]).map((v) => v.kind)).toEqual(["key-field-missing"]);
    expect(checkFunctions([badTriggerIf]).map((v) => v.kind)).toEqual(["condition-field-missing"]);
    const badIf = checkFunctions([badIfCondition]);
    expect(badIf.map((v) => v.kind)).toEqual(["condition-field-missing"]);
    expect(badIf[0]?.message).toMatch(/async\.data\.order_id/);
  });
});

describe("extractWaits (reading handler source)", () => {
  it("reads literal and identifier events, match and if, and ignores comments", () => {
    const waits = extractWaits(`async ({ step }) => {
      // step.waitForEvent("commented", { event: "a/b.c", match: "data.x" })
      await step.waitForEvent("a", { event: __vi_import_1__.orderDecided, match: "data.orderId", timeout: "1h" });
      await step.waitForEvent('b', { timeout: "1h", "event": 'order/decided', if: \`async.data.orderId == '\${id}'\` });
    }`);
    expect(waits).toEqual([
      { stepId: "a", eventIdentifier: "orderDecided", match: "data.orderId" },
      { stepId: "b", eventName: "order/decided", if: "async.data.orderId == '_'" },
    ]);
  });

  it("refuses what it cannot read statically", () => {
    const problems = (src: string) => extractWaits(src).map((w) => w.problem);
    expect(problems(`step.waitForEvent("a", opts)`)[0]).toMatch(/object literal/);
    expect(problems(`step.waitForEvent("a", { ...opts })`)[0]).toMatch(/spread/);
    expect(problems(`step.waitForEvent("a", { event: pick(), match: "data.x" })`)[0]).toMatch(
      /cannot be resolved/,
    );
    expect(problems(`step.waitForEvent("a", { event: "a/b.c", match: field })`)[0]).toMatch(/string literal/);
    expect(problems(`const w = step.waitForEvent; w("a", {})`)[0]).toMatch(/without being called directly/);
  });
});

describe("checkWaitCoverage", () => {
  it("reports a waitForEvent in a helper outside every served handler", () => {
    const helper: SourceFile = {
      path: "worker/timers/helpers.ts",
      text: `export const waitForReply = (step) => step.waitForEvent("w", { event: "whatsapp/message.received", match: "data.foo", timeout: "1m" });`,
    };
    const violations = checkWaitCoverage([helper], [approveOrder]);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.kind).toBe("uncovered-wait");
    expect(violations[0]?.message).toMatch(
      /"w" in worker\/timers\/helpers\.ts is not inside a served handler/,
    );
  });

  it("pairs TypeScript source with the compiled handlers, and flags the helper's wait", () => {
    const path = "test/shared/fixtures/served-functions.ts";
    const text = readFileSync(new URL("./fixtures/served-functions.ts", import.meta.url), "utf8");
    const violations = checkWaitCoverage([{ path, text }], [approveOrderFixture]);
    expect(violations).toEqual([expect.objectContaining({ functionId: path, kind: "uncovered-wait" })]);
    expect(violations[0]?.message).toMatch(/"wait-for-customer"/);
    expect(checkFunctions([approveOrderFixture])).toEqual([]);
  });

  it("accepts waits written inside served handlers", () => {
    const source: SourceFile = { path: "slack/approvals/approve-order.ts", text: String(approveOrder["fn"]) };
    expect(checkWaitCoverage([source], [approveOrder])).toEqual([]);
  });
});

// ---- the real check: every function the two sides serve ----

function sourceFiles(dir: string): SourceFile[] {
  const root = new URL("../../", import.meta.url).pathname;
  const walk = (path: string): string[] =>
    readdirSync(path, { withFileTypes: true }).flatMap((entry) => {
      const full = join(path, entry.name);
      if (entry.isDirectory()) return entry.name === "node_modules" ? [] : walk(full);
      return /\.(ts|js|mts)$/.test(entry.name) && !/\.(test|spec)\./.test(entry.name) ? [full] : [];
    });
  return walk(join(root, dir)).map((full) => ({
    path: relative(root, full),
    text: readFileSync(full, "utf8"),
  }));
}

describe("served functions (worker/functions.ts and slack/functions.ts)", () => {
  const served = [...workerFunctions, ...slackFunctions];

  it("checks the worker's real functions, so the checks below cannot pass on an empty list", () => {
    const ids = workerFunctions.map((fn) => fn.opts.id);
    expect(ids.length).toBeGreaterThan(0);
    // The proactive sender, the sales agent and both timers (the timers hold the worker's waits).
    expect(ids).toEqual(
      expect.arrayContaining([
        PROACTIVE_SEND_FUNCTION_ID,
        HANDLE_MESSAGE_FUNCTION_ID,
        DATA_COLLECTION_TIMER_ID,
        PROMOS_TIMER_ID,
      ]),
    );
    const workerWaits = sourceFiles("worker").flatMap((file) => extractWaits(file.text));
    expect(workerWaits.length).toBeGreaterThan(0);
  });

  it("every trigger, cancelOn, waitForEvent and flow-control key agrees with the catalogue", () => {
    expect(checkFunctions(served)).toEqual([]);
  });

  it("every waitForEvent in worker/ and slack/ is inside a served handler", () => {
    expect(checkWaitCoverage([...sourceFiles("worker"), ...sourceFiles("slack")], served)).toEqual([]);
  });

  it("events are declared only in shared/events.ts (a second eventType would bypass the catalogue)", () => {
    const declaring = [...sourceFiles("worker"), ...sourceFiles("slack"), ...sourceFiles("shared")]
      .filter((file) => file.path !== "shared/events.ts")
      .filter((file) => /\beventType\s*\(/.test(stripComments(file.text)))
      .map((file) => file.path);
    expect(declaring).toEqual([]);
  });

  it("would fail if a bad function were added to the served list", () => {
    expect(checkFunctions([...served, wrongMatchField, unknownTrigger]).map((v) => v.functionId)).toEqual([
      "wrong-match-field",
      "wrong-match-field",
      "unknown-trigger",
    ]);
  });
});
