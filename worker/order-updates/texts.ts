// What the customer reads when their order is decided, in their language. Pure.
import type { Language } from "../agent/language.js";

export interface DecisionFacts {
  orderId: string;
  /** First name or full name, as collected. */
  name: string;
  /** "$1,299.00 MXN" */
  total: string;
  reason?: string;
}

const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? name;

export function orderApprovedText(f: DecisionFacts, language: Language): string {
  return language === "en"
    ? `Good news, ${firstName(f.name)}! Your order ${f.orderId} (${f.total}) is confirmed. We will let you know when it is on its way.`
    : `¡Buenas noticias, ${firstName(f.name)}! Tu pedido ${f.orderId} (${f.total}) está confirmado. Te avisaremos cuando vaya en camino.`;
}

export function orderRejectedText(f: DecisionFacts, language: Language): string {
  const reason = f.reason?.trim();
  return language === "en"
    ? `Hi ${firstName(f.name)}, we are sorry: we could not confirm your order ${f.orderId}.${reason ? ` Reason: ${reason}.` : ""} If you like, reply here and we will gladly help you find another option.`
    : `Hola ${firstName(f.name)}, lo sentimos: no pudimos confirmar tu pedido ${f.orderId}.${reason ? ` Motivo: ${reason}.` : ""} Si quieres, responde aquí y con gusto te ayudamos a encontrar otra opción.`;
}

export function orderExpiredText(f: DecisionFacts, language: Language): string {
  return language === "en"
    ? `Hi ${firstName(f.name)}, we are sorry: we could not review your order ${f.orderId} in time, so it was not placed. Reply here if you still want it and we will help you right away.`
    : `Hola ${firstName(f.name)}, lo sentimos: no alcanzamos a revisar tu pedido ${f.orderId} a tiempo, así que no quedó registrado. Responde aquí si aún lo quieres y te ayudamos enseguida.`;
}
