// What the timers write to a customer who went quiet. Code writes these (no model), with prices from
// the priced order, never from any text.
import type { CollectedField } from "../../shared/domain/conversation.js";
import { formatMoney, money } from "../../shared/domain/money.js";
import type { PricedOrder } from "../../shared/domain/pricing.js";
import { fieldList } from "../agent/customer-texts.js";
import type { Language } from "../agent/language.js";

/** The data-collection nudge: names exactly what is still missing. */
export function dataCollectionNudge(missing: readonly CollectedField[], language: Language): string {
  const list = fieldList(missing, language);
  return language === "es"
    ? `¿Sigues ahí? Para preparar tu pedido solo me falta ${list}. Escríbemelo cuando puedas.`
    : `Are you still there? To prepare your order I only need ${list}. Send it whenever you can.`;
}

/**
 * Sent when the promos window ends without a confirmation: the order was registered with the
 * customer's own unconfirmed selection ("selection") or with the default pack ("default").
 */
export function timeoutOrderPlaced(
  order: PricedOrder,
  language: Language,
  basis: "selection" | "default",
): string {
  const total = formatMoney(money(order.totalMinor, order.currency));
  const lines = order.lines.map(
    (l) => `• ${l.qty} × ${l.name} (${l.pack}): ${formatMoney(money(l.lineTotalMinor, order.currency))}`,
  );
  return language === "es"
    ? [
        basis === "default"
          ? "Como no alcanzamos a confirmar tu elección, registré tu pedido con la opción básica:"
          : "Como no alcanzamos a confirmar, registré tu pedido con la opción que elegiste:",
        ...lines,
        `Total: ${total}`,
        "Nuestro equipo lo revisa y te confirmamos por aquí. Si prefieres otra opción, respóndeme.",
      ].join("\n")
    : [
        basis === "default"
          ? "As we could not confirm your choice, I registered your order with the basic option:"
          : "As we could not confirm, I registered your order with the option you chose:",
        ...lines,
        `Total: ${total}`,
        "Our team will review it and confirm here. If you prefer another option, just reply.",
      ].join("\n");
}
