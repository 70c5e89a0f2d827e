// What the customer is told when the agent cannot follow the brain's plan as proposed.
import { describe, expect, it } from "vitest";
import { planDecision } from "../../../worker/agent/turn/plan-decision.js";
import type { BrainContext } from "../../../worker/agent/brain/types.js";
import {
  brainUnavailablePlan,
  costCapPlan,
  withExistingOrder,
  withoutOrder,
} from "../../../worker/agent/turn/turn-plan.js";
import { seedOffer } from "./support/simulate.js";

const complete = {
  name: "Ana López",
  phone: "+525512345678",
  address: "Av. Reforma 123, Col. Centro",
  city: "CDMX",
};
const context = (over: Partial<BrainContext> = {}): BrainContext => ({
  mode: "promos",
  collected: complete,
  orderDraft: [{ sku: "COLAGENO-500", pack: "2x", qty: 1 }],
  catalog: seedOffer(),
  history: [],
  newMessages: [{ direction: "in", text: "sí" }],
  ...over,
});

describe("turn plans", () => {
  it("does not tell the customer an order was placed when the data layer refused it", () => {
    const plan = planDecision({
      context: context(),
      decision: {
        replies: [],
        toolCalls: [{ name: "create_order", input: {} }],
        rejectedToolCalls: [],
        brain: "rules",
      },
    });
    expect(plan.createOrder).toBeDefined();
    expect(plan.transitions).toEqual([{ from: "promos", to: "awaiting_approval" }]);

    const refused = withoutOrder(plan);
    expect(refused.createOrder).toBeUndefined();
    expect(refused.transitions).toEqual([]);
    expect(refused.replies.map((r) => r.text)).toEqual([
      "No pude registrar tu pedido en este momento. Una persona de nuestro equipo lo revisa y te escribe en breve.",
    ]);
  });

  it("answers in the customer's language and hands off to a person when the brain is unavailable", () => {
    const plan = brainUnavailablePlan(
      context({ mode: "promos", newMessages: [{ direction: "in", text: "hello, I want to order" }] }),
    );
    expect(plan.replies.map((r) => r.text)).toEqual([
      "Sorry, I had a problem answering you. Someone from our team will write to you shortly.",
    ]);
    expect(plan.transitions).toEqual([{ from: "promos", to: "handoff" }]);
    expect(plan.handoff).toEqual({ reason: "brain-error", summary: expect.any(String) });
    expect(plan.createOrder).toBeUndefined();
  });

  it("hands off to a person when the daily cost cap is reached", () => {
    const plan = costCapPlan(context({ mode: "collecting_data", collected: {} }));
    expect(plan.transitions).toEqual([{ from: "collecting_data", to: "handoff" }]);
    expect(plan.handoff).toEqual({ reason: "cost-cap", summary: expect.any(String) });
  });

  it("describes the order that was already open, not the one the brain proposed", () => {
    const plan = planDecision({
      context: context({ orderDraft: [{ sku: "COLAGENO-500", pack: "3x", qty: 1 }] }),
      decision: {
        replies: [],
        toolCalls: [{ name: "create_order", input: {} }],
        rejectedToolCalls: [],
        brain: "rules",
      },
    });
    expect(plan.replies.map((r) => r.text)).toEqual([expect.stringMatching(/Total: \$1,199\.00 MXN/)]);
    // The promos timer registered the 1-pack a moment before.
    const standing = withExistingOrder(plan, {
      source: "promos-timeout",
      priced: {
        currency: "MXN",
        totalMinor: 49_900,
        lines: [
          {
            sku: "COLAGENO-500",
            name: "Colágeno hidrolizado con vitamina C (500 g)",
            pack: "1x",
            units: 1,
            qty: 1,
            unitPriceMinor: 49_900,
            lineTotalMinor: 49_900,
          },
        ],
      },
    });
    expect(standing.replies.map((r) => r.text)).toEqual([
      [
        "Tu pedido ya estaba registrado y está en revisión:",
        "• 1 × Colágeno hidrolizado con vitamina C (500 g) (1x): $499.00 MXN",
        "Total: $499.00 MXN",
        "Nuestro equipo lo revisa y te confirmamos por aquí.",
      ].join("\n"),
    ]);
    // The same order found again (a retried step): the confirmation stays as it was.
    const same = withExistingOrder(plan, { source: "agent", priced: plan.createOrder!.priced });
    expect(same.replies).toEqual(plan.replies);
  });
});
