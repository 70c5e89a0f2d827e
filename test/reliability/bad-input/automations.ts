// Automation definitions, checked whole by the automations repository before anything is stored:
// an invalid or catastrophic regex, an operator as the name, a URL that is no web address. A webhook
// aimed at a loopback, private or metadata address is a valid definition, and its runs are refused
// at the address: the run fails saying so, and nothing is ever sent there.
import { expect } from "vitest";
import type { BadInputStack } from "../support/bad-input-stack.js";
import { phone } from "./phones.js";
import { added, postJson, refusedDefinition, type Row, type RowOutcome } from "./rows.js";

const by = { kind: "system", id: "bad-input-test" } as const;

/** A definition that would tag anyone who writes "hola". */
function definition(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    name: "bad-input-definition",
    trigger: { type: "message.keyword", config: { words: ["hola"] } },
    actions: [{ type: "add_tag", tag: "bad-input" }],
    ...overrides,
  };
}

const create = (overrides: Record<string, unknown>) => (s: BadInputStack) =>
  s.sandbox.db.automations.create(definition(overrides) as never, by);

/** Enables an automation that calls `url` when a customer writes `keyword`. */
function webhookAutomation(name: string, keyword: string, url: (s: BadInputStack) => string) {
  return async (s: BadInputStack): Promise<void> => {
    const created = await s.sandbox.db.automations.create(
      definition({
        name,
        trigger: { type: "message.keyword", config: { words: [keyword] } },
        actions: [{ type: "webhook", url: url(s) }],
      }) as never,
      by,
    );
    if (created.outcome !== "created") throw new Error(`setup: ${created.outcome}`);
    await s.sandbox.db.automations.setEnabled(name, true, by);
  };
}

/** The run of `name` failed at its webhook, refused for `address`; nothing reached the trap. */
function refusedAt(name: string, address: string) {
  return {
    in: "any" as const,
    check(o: RowOutcome) {
      const runs = added(o, "automation_executions").filter((e) => e["automationName"] === name);
      expect(runs).toEqual([
        expect.objectContaining({
          status: "failed",
          actions: [
            expect.objectContaining({
              type: "webhook",
              status: "failed",
              error: expect.stringMatching(
                new RegExp(
                  `^refused ${address.replace(/\./g, "\\.")}: .*private, loopback, link-local or reserved address`,
                ),
              ),
            }),
          ],
        }),
      ]);
      expect(o.s.trap.hits()).toBe(0);
    },
  };
}

function webhookRow(n: number, address: string, url: (s: BadInputStack) => string): Row {
  const name = `bad-input-webhook-${n}`;
  const keyword = `sondeo${n}`;
  return {
    name: `automation: a webhook action aimed at ${address}`,
    setup: webhookAutomation(name, keyword, url),
    target: "page",
    request: postJson("/sandbox/whatsapp/messages", { from: phone(60 + n), text: keyword }),
    expect: ({ answer }) => expect(answer!.status, answer!.body).toBe(202),
    writes: refusedAt(name, address),
    cleanup: async (s) => {
      await s.sandbox.db.automations.setEnabled(name, false, by);
    },
  };
}

export const automationRows: Row[] = [
  {
    name: "automation: a keyword regex that does not compile",
    call: create({
      trigger: { type: "message.keyword", config: { regex: { pattern: "(unclosed", flags: "i" } } },
    }),
    expect: refusedDefinition(
      /trigger\.config\.regex\.pattern: unsafe regex: does not compile: .*Unterminated group/,
    ),
  },
  {
    name: "automation: a catastrophic keyword regex (a+)+$",
    call: create({
      trigger: { type: "message.keyword", config: { regex: { pattern: "(a+)+$", flags: "i" } } },
    }),
    expect: refusedDefinition(
      /trigger\.config\.regex\.pattern: unsafe regex: a repeated group that itself repeats/,
    ),
  },
  {
    name: "automation: a catastrophic regex (x|xx)*y in a condition",
    call: create({
      conditions: {
        match: "all",
        groups: [
          { match: "all", rules: [{ field: "event.text", op: "matches", value: { pattern: "(x|xx)*y" } }] },
        ],
      },
    }),
    expect: refusedDefinition(/conditions\.groups\.0\.rules\.0/),
  },
  {
    name: "automation: a 201-character regex",
    call: create({ trigger: { type: "message.keyword", config: { regex: { pattern: "a".repeat(201) } } } }),
    expect: refusedDefinition(/trigger\.config\.regex\.pattern: unsafe regex: longer than 200 characters/),
  },
  {
    name: 'automation: a name that is {"$gt": ""}',
    call: create({ name: { $gt: "" } }),
    expect: refusedDefinition(/name: Invalid input: expected string, received object/),
  },
  {
    name: "automation: a webhook to file:///etc/passwd",
    call: create({ actions: [{ type: "webhook", url: "file:///etc/passwd" }] }),
    expect: refusedDefinition(/actions\.0/),
  },
  webhookRow(1, "127.0.0.1", (s) => `${s.trap.url}/hook`),
  webhookRow(2, "10.0.0.1", () => "http://10.0.0.1/hook"),
  webhookRow(3, "169.254.169.254", () => "http://169.254.169.254/latest/meta-data/iam/security-credentials/"),
  {
    name: "automation: enabling an unknown automation",
    call: (s) => s.sandbox.db.automations.setEnabled("no-such-automation", true, by),
    expect: ({ result }) => expect(result).toEqual({ outcome: "not_found" }),
  },
  {
    name: "automation: redefining an unknown automation",
    call: (s) =>
      s.sandbox.db.automations.update(
        "no-such-automation",
        definition({ name: "no-such-automation" }) as never,
        by,
      ),
    expect: ({ result }) => expect(result).toEqual({ outcome: "not_found" }),
  },
];
