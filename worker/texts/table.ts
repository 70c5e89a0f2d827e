// The shape of a language's message table: every sentence code writes to a customer (not the
// model), as plain strings or small functions of already formatted parts (lists, amounts).
import type { CollectedField } from "../../shared/domain/conversation.js";

export interface MessageTable {
  /** How each customer-data field is named in a sentence ("tu nombre", "your name"). */
  fieldNames: Record<CollectedField, string>;
  /** The word before the last item of a list. */
  and: string;
  /** The label of an order's total line. */
  total: string;

  askMissingFields(fields: string): string;
  reaskInvalidFields(fields: string, phoneHint: string): string;
  /** After a re-ask: the other fields still missing. */
  alsoMissingFields(fields: string): string;
  /** Added to a re-ask when the phone number was refused. */
  phoneHint: string;

  promos: { header: string; saving(amount: string): string; footer: string };
  /** Heading and closing line of each message that lists an order's lines and total. */
  draftSummary: { heading: string; closing: string };
  orderPlaced: { heading: string; closing: string };
  orderAlreadyRegistered: { heading: string; closing: string };
  timeoutOrderPlaced: { headingDefault: string; headingSelection: string; closing: string };

  chooseAnOption: string;
  unknownOption: string;
  orderAlreadyPending: string;
  /** A customer asks to change an order waiting for approval: a person changes it. */
  orderChangeHandoff: string;
  handoffNotice: string;
  goodbyeNotice: string;
  pricesAreTheListed: string;
  brainFallbackReply: string;
  orderNotPlaced: string;
  dataCollectionNudge(fields: string): string;

  /** What the customer reads once staff decided their order, or nobody did in time. */
  orderDecision: {
    approved(name: string, orderId: string, total: string): string;
    /** `reason` is staff's text, already trimmed (or undefined). */
    rejected(name: string, orderId: string, reason: string | undefined): string;
    expired(name: string, orderId: string): string;
  };
}
