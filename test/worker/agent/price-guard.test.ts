import { describe, expect, it } from "vitest";
import {
  quotableAmounts,
  quotedAmounts,
  unlistedAmounts,
  unlistedPromises,
} from "../../../worker/agent/price-guard.js";
import { seedOffer } from "./support/simulate.js";

describe("price guard", () => {
  const allowed = quotableAmounts(seedOffer());

  it("reads amounts written the usual ways", () => {
    expect(quotedAmounts("Total: $1,199.00 MXN")).toEqual([119900]);
    expect(quotedAmounts("cuesta 899 pesos, o $ 499")).toEqual([89900, 49900]);
    expect(quotedAmounts("MXN 1.199,50")).toEqual([119950]);
    expect(quotedAmounts("Av. Reforma 123, tel 55 1234 5678, 2 frascos")).toEqual([]);
  });

  it("allows catalog prices, their multiples and savings; flags anything else", () => {
    expect(unlistedAmounts("El 2x cuesta $899.00 y ahorras $99", allowed)).toEqual([]);
    expect(unlistedAmounts("Dos paquetes 3x: $2,398.00", allowed)).toEqual([]);
    expect(unlistedAmounts("Para ti, gratis: $0", allowed)).toEqual([0]);
    expect(unlistedAmounts("Te lo dejo en 100 pesos", allowed)).toEqual([10000]);
  });

  it("flags promises of gifts, free items and discounts written in words", () => {
    for (const text of [
      "¡Te lo dejo gratis!",
      "El envío va sin costo",
      "Te mando 2 frascos de regalo",
      "Te regalo un frasco extra",
      "Te hago un descuento especial",
      "Tienes 20% de descuento",
      "Aprovecha el 2x1",
      "Va por cuenta de la casa",
      "It's free for you",
      "I'll give you 15% off",
    ]) {
      expect(unlistedPromises(text), text).not.toEqual([]);
    }
  });

  it("lets ordinary sales talk through", () => {
    for (const text of [
      "¡Excelente elección! El paquete 3x te sale más a cuenta.",
      "Tenemos promociones en los paquetes de 2 y 3 frascos.",
      "¿Te gustaría el de 2x o el de 3x?",
      "Con gusto te ayudo con tu pedido.",
      "Great choice, the 2x pack is our most popular.",
    ]) {
      expect(unlistedPromises(text), text).toEqual([]);
    }
  });
});
