// The catalogue check: reads the source of every function the two sides serve and fails when a
// waitForEvent/cancelOn `match` field is missing from either event's schema, when a function is
// triggered by an event that is not in the catalogue, or when a condition or flow-control key names
// a field the events do not have. The first blocks prove the checker catches each mistake (so the
// last block cannot pass vacuously).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkSources,
  declaresEventTypes,
  definedFunctionIds,
  extractWaits,
  idCovers,
  type SourceFile,
} from "../support/inngest-catalogue-check.js";
import { servedBySlack, servedByWorker } from "../support/served-functions.js";
import { HANDLE_MESSAGE_FUNCTION_ID } from "../../worker/agent/handle-message.js";
import { PROACTIVE_SEND_FUNCTION_ID } from "../../worker/outbound/proactive-send.js";
import { DATA_COLLECTION_TIMER_ID } from "../../worker/timers/data-collection-timer.js";
import { PROMOS_TIMER_ID } from "../../worker/timers/promos-timer.js";

// ---- fixtures: one correct function, and one per mistake (source text, as the checker reads it) ----

const source = (path: string, text: string): SourceFile => ({ path: `fixtures/${path}`, text });

const approveOrder = source(
  "approve-order.ts",
  `export const approveOrder = inngest.createFunction(
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
      if: \`async.data.conversationId == event.data.conversationId && async.data.accountId == '\${event.data.accountId}'\`,
      timeout: "10m",
    });
    return { decision: decision?.data.decision ?? "expired", replied: reply !== null };
  },
);`,
);

const dataCollectionTimer = source(
  "data-collection-timer.ts",
  `const dataCollectionTimer = inngest.createFunction(
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
);`,
);

const wrongMatchField = source(
  "wrong-match-field.ts",
  `inngest.createFunction(
  { id: "wrong-match-field", triggers: [orderCreated] },
  async ({ step }) =>
    // The classic: the decision event has orderId, not approvalId.
    step.waitForEvent("wait-approval", { event: orderDecided, match: "data.approvalId", timeout: "24h" }),
);`,
);

const fieldOnlyInTrigger = source(
  "field-only-in-trigger.ts",
  `inngest.createFunction(
  { id: "field-only-in-trigger", triggers: [agentPromosOffered] },
  // packIds exists on agent/promos.offered but not on whatsapp/message.received.
  async ({ step }) =>
    step.waitForEvent("wait", { event: whatsappMessageReceived, match: "data.packIds", timeout: "10m" }),
);`,
);

const unknownTrigger = source(
  "unknown-trigger.ts",
  `inngest.createFunction(
  { id: "unknown-trigger", triggers: [{ event: "order/approved" }] },
  async () => "never runs",
);`,
);

const foreignEventType = source(
  "foreign-event-type.ts",
  `inngest.createFunction(
  {
    id: "foreign-event-type",
    triggers: [eventType("order/created", { schema: z.object({ orderId: z.string() }) })],
  },
  async () => "declared twice",
);`,
);

const wrongCancelOn = source(
  "wrong-cancel-on.ts",
  `inngest.createFunction(
  {
    id: "wrong-cancel-on",
    triggers: [agentModeChanged],
    cancelOn: [{ event: whatsappMessageReceived, match: "data.sessionId" }],
  },
  async () => "ok",
);`,
);

const unknownAwaitedEvent = source(
  "unknown-awaited.ts",
  `inngest.createFunction(
  { id: "unknown-awaited", triggers: [orderCreated] },
  async ({ step }) =>
    step.waitForEvent("wait", { event: "slack/order.approved", match: "data.orderId", timeout: "1h" }),
);`,
);

const unresolvableEvent = source(
  "unresolvable.ts",
  `const localEventAlias = orderDecided;
inngest.createFunction(
  { id: "unresolvable", triggers: [orderCreated] },
  async ({ step }) =>
    step.waitForEvent("wait", { event: localEventAlias, match: "data.orderId", timeout: "1h" }),
);`,
);

const misspeltKey = source(
  "misspelt-key.ts",
  `inngest.createFunction(
  {
    id: "misspelt-key",
    triggers: [whatsappMessageReceived],
    debounce: { key: "event.data.conversationID", period: "2s" },
  },
  async () => "ok",
);`,
);

const badTriggerIf = source(
  "bad-trigger-if.ts",
  `inngest.createFunction(
  { id: "bad-trigger-if", triggers: [{ event: agentModeChanged, if: "event.data.mode == 'promos'" }] },
  async () => "ok",
);`,
);

const badIfCondition = source(
  "bad-if.ts",
  `inngest.createFunction({ id: "bad-if", triggers: [orderCreated] }, async ({ step }) =>
  step.waitForEvent("wait", {
    event: orderDecided,
    if: "async.data.order_id == event.data.orderId",
    timeout: "1h",
  }),
);`,
);

/** A wait in a helper, and two functions that call it: one whose trigger has the match field, one not. */
const sharedWait = source(
  "shared-wait.ts",
  `export const FOLLOW_UP_ID = "follow-up";
async function waitForReply(step: Step, round: number) {
  return step.waitForEvent(\`wait-for-reply-\${round}\`, {
    event: whatsappMessageReceived,
    match: "data.conversationId",
    timeout: 60_000,
  });
}
const loop = (step: Step) => waitForReply(step, 1);
export const followUp = inngest.createFunction(
  { id: FOLLOW_UP_ID, triggers: [agentModeChanged] },
  async ({ step }) => loop(step),
);
export const misplacedFollowUp = inngest.createFunction(
  { id: "misplaced-follow-up", triggers: [whatsappSessionStatusChanged] },
  async ({ step }) => waitForReply(step, 1),
);`,
);

describe("checkSources", () => {
  it("passes correct functions (match, if with interpolation, cancelOn, trigger if, flow-control keys)", () => {
    expect(checkSources([approveOrder, dataCollectionTimer])).toEqual([]);
  });

  it("fails when a waitForEvent match field is missing from both events", () => {
    const violations = checkSources([wrongMatchField]);
    expect(violations.map((v) => v.kind)).toEqual(["match-field-missing", "match-field-missing"]);
    expect(violations[0]?.message).toMatch(
      /data\.approvalId is missing from the triggering event "order\/created"/,
    );
    expect(violations[1]?.message).toMatch(/missing from the awaited event "order\/decided"/);
  });

  it("fails when the match field exists in the trigger but not in the awaited event", () => {
    const violations = checkSources([fieldOnlyInTrigger]);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toMatch(/awaited event "whatsapp\/message.received"/);
  });

  it("fails when a function is triggered by an event that is not in the catalogue", () => {
    expect(checkSources([unknownTrigger])).toEqual([
      expect.objectContaining({ functionId: "unknown-trigger", kind: "unknown-trigger" }),
    ]);
  });

  it("fails when an event is declared a second time outside the catalogue", () => {
    expect(checkSources([foreignEventType]).map((v) => v.kind)).toEqual(["foreign-event-type"]);
  });

  it("fails on a cancelOn match field missing from the events", () => {
    const violations = checkSources([wrongCancelOn]);
    expect(violations.map((v) => v.kind)).toEqual(["match-field-missing", "match-field-missing"]);
    expect(violations[0]?.message).toMatch(/cancelOn "whatsapp\/message.received"/);
  });

  it("fails closed on waits it cannot check, and on waits for unknown events", () => {
    expect(checkSources([unknownAwaitedEvent]).map((v) => v.kind)).toEqual(["unknown-event"]);
    expect(checkSources([unresolvableEvent]).map((v) => v.kind)).toEqual(["unresolvable-wait"]);
  });

  it("fails on if-conditions and keys that name fields the events do not have", () => {
    expect(checkSources([misspeltKey]).map((v) => v.kind)).toEqual(["key-field-missing"]);
    expect(checkSources([badTriggerIf]).map((v) => v.kind)).toEqual(["condition-field-missing"]);
    const badIf = checkSources([badIfCondition]);
    expect(badIf.map((v) => v.kind)).toEqual(["condition-field-missing"]);
    expect(badIf[0]?.message).toMatch(/async\.data\.order_id/);
  });

  it("checks a wait in a helper against the triggers of every function that reaches it", () => {
    expect(definedFunctionIds([sharedWait])).toEqual(["follow-up", "misplaced-follow-up"]);
    const violations = checkSources([sharedWait]);
    expect(violations).toEqual([
      expect.objectContaining({ functionId: "misplaced-follow-up", kind: "match-field-missing" }),
    ]);
    expect(violations[0]?.message).toMatch(
      /"wait-for-reply-_".*data\.conversationId is missing from the triggering event "whatsapp\/session.status-changed"/,
    );
  });
});

describe("extractWaits (reading source)", () => {
  it("reads literal and identifier events, match and if, and ignores comments", () => {
    const waits = extractWaits(`async ({ step }) => {
      // step.waitForEvent("commented", { event: "a/b.c", match: "data.x" })
      await step.waitForEvent("a", { event: events.orderDecided, match: "data.orderId" as const, timeout: "1h" });
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

describe("waits no served function reaches", () => {
  it("reports a waitForEvent in a helper that no served handler calls", () => {
    const helper: SourceFile = {
      path: "worker/timers/helpers.ts",
      text: `export const waitForReply = (step) => step.waitForEvent("w", { event: "whatsapp/message.received", match: "data.foo", timeout: "1m" });`,
    };
    const violations = checkSources([helper, approveOrder]);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.kind).toBe("uncovered-wait");
    expect(violations[0]?.message).toMatch(
      /"w" in worker\/timers\/helpers\.ts is not inside a served handler/,
    );
  });

  it("reads TypeScript source (types, as const, multi-line options), and flags the helper's wait", () => {
    const path = "test/shared/fixtures/served-functions.ts";
    const text = readFileSync(new URL("./fixtures/served-functions.ts", import.meta.url), "utf8");
    expect(definedFunctionIds([{ path, text }])).toEqual(["approve-order-fixture"]);
    const violations = checkSources([{ path, text }]);
    expect(violations).toEqual([expect.objectContaining({ functionId: path, kind: "uncovered-wait" })]);
    expect(violations[0]?.message).toMatch(/"wait-for-customer"/);
  });

  it("accepts waits written inside served handlers", () => {
    expect(checkSources([approveOrder]).filter((v) => v.kind === "uncovered-wait")).toEqual([]);
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

describe("served functions (worker/ and slack/ source)", () => {
  const sides = () => [...sourceFiles("worker"), ...sourceFiles("slack")];

  it("checks the worker's real functions, so the checks below cannot pass on an empty list", () => {
    const ids = definedFunctionIds(sides());
    // The proactive sender, the sales agent and both timers (the timers hold the worker's waits).
    expect(ids).toEqual(
      expect.arrayContaining([
        PROACTIVE_SEND_FUNCTION_ID,
        HANDLE_MESSAGE_FUNCTION_ID,
        DATA_COLLECTION_TIMER_ID,
        PROMOS_TIMER_ID,
      ]),
    );
    // Every function the sides serve is one whose source the check reads.
    const served = [...servedByWorker(), ...servedBySlack()].map((fn) => fn.opts.id);
    expect(served.length).toBeGreaterThan(0);
    expect(served.filter((id) => !ids.some((defined) => idCovers(defined, id)))).toEqual([]);
    const workerWaits = sourceFiles("worker").flatMap((file) => extractWaits(file.text));
    expect(workerWaits.length).toBeGreaterThan(0);
  });

  it("every trigger, cancelOn, waitForEvent and flow-control key agrees with the catalogue", () => {
    expect(checkSources(sides())).toEqual([]);
  });

  it("events are declared only in shared/events.ts (a second eventType would bypass the catalogue)", () => {
    const declaring = [...sides(), ...sourceFiles("shared")]
      .filter((file) => file.path !== "shared/events.ts")
      .filter((file) => declaresEventTypes(file.text))
      .map((file) => file.path);
    expect(declaring).toEqual([]);
  });

  it("would fail if a bad function were added to the served source", () => {
    expect(checkSources([...sides(), wrongMatchField, unknownTrigger]).map((v) => v.functionId)).toEqual([
      "wrong-match-field",
      "wrong-match-field",
      "unknown-trigger",
    ]);
  });
});
