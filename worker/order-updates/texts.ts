// What the customer reads when their order is decided, in their language (the message tables in
// worker/texts). Pure.
import { textsIn, type Language } from "../texts/index.js";

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
  return textsIn(language).orderDecision.approved(firstName(f.name), f.orderId, f.total);
}

export function orderRejectedText(f: DecisionFacts, language: Language): string {
  return textsIn(language).orderDecision.rejected(
    firstName(f.name),
    f.orderId,
    f.reason?.trim() || undefined,
  );
}

export function orderExpiredText(f: DecisionFacts, language: Language): string {
  return textsIn(language).orderDecision.expired(firstName(f.name), f.orderId);
}
