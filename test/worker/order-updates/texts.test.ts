// What the customer reads about their order's decision: in their language, the reason politely.
import { describe, expect, it } from "vitest";
import {
  orderApprovedText,
  orderExpiredText,
  orderRejectedText,
} from "../../../worker/order-updates/texts.js";

const facts = { orderId: "ORD-7K2M9QXA", name: "Ana López", total: "$899.00 MXN" };

describe("order decision texts", () => {
  it("approval names the order and the total", () => {
    expect(orderApprovedText(facts, "es")).toBe(
      "¡Buenas noticias, Ana! Tu pedido ORD-7K2M9QXA ($899.00 MXN) está confirmado. Te avisaremos cuando vaya en camino.",
    );
    expect(orderApprovedText(facts, "en")).toMatch(/^Good news, Ana! Your order ORD-7K2M9QXA/);
  });
  it("a rejection apologizes, gives the reason and offers help", () => {
    const text = orderRejectedText({ ...facts, reason: "no entregamos en esa zona" }, "es");
    expect(text).toMatch(/^Hola Ana, lo sentimos/);
    expect(text).toContain("Motivo: no entregamos en esa zona.");
    expect(text).toMatch(/con gusto te ayudamos/);
    expect(orderRejectedText(facts, "en")).not.toContain("Reason");
  });
  it("an expiry says the order was not placed and how to go on", () => {
    expect(orderExpiredText(facts, "es")).toMatch(/no quedó registrado/);
    expect(orderExpiredText(facts, "en")).toMatch(/was not placed/);
  });
});

describe("the conversation after the decision", () => {
  it("an approval closes the round; a rejection or expiry goes back to the promotions", async () => {
    const { modeAfterDecision } = await import("../../../worker/order-updates/mode-after-decision.js");
    expect(modeAfterDecision("approved")).toBe("closed");
    expect(modeAfterDecision("rejected")).toBe("promos");
    expect(modeAfterDecision("expired")).toBe("promos");
  });
});
