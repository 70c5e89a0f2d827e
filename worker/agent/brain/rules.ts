// Offline brain, used when ANTHROPIC_API_KEY is not set: patterns instead of a model. Deterministic,
// Spanish and English, enough to walk every path of the sandbox demo: greeting, data collection
// (name, phone, address, city), promos, choosing a pack by number, confirming, asking for a human.
// Like the model, it only proposes: turn/plan-decision.ts validates, prices and decides the mode.
import type { CollectedField } from "../../../shared/domain/conversation.js";
import { isBotSilent, missingFields } from "../../../shared/domain/conversation.js";
import { askMissingFields, detectLanguage, textsIn, type Language } from "../../texts/index.js";
import { packByNumber } from "./catalog-offer.js";
import type { ExtractedFields } from "./extract.js";
import {
  asksForPrices,
  chosenNumber,
  extractFields,
  isGoodbye,
  isGreeting,
  isNo,
  isYes,
  wantsHuman,
} from "./extract.js";
import type { ToolCall } from "./tools.js";
import { parseToolCall } from "./tools.js";
import type { Brain, BrainContext, BrainDecision } from "./types.js";

const say = (language: Language, es: string, en: string) => (language === "es" ? es : en);

function firstName(name: string | undefined): string {
  return name ? ` ${name.split(/\s+/)[0]}` : "";
}

/** A bare answer ("Monterrey") to the question the bot asked last: the first missing field. */
function bareAnswer(text: string, missing: readonly CollectedField[]): ExtractedFields {
  const field = missing[0];
  const t = text.trim();
  if (!field || t.length < 2 || t.length > 200) return {};
  if (isYes(t) || isNo(t) || isGreeting(t) || asksForPrices(t) || chosenNumber(t) !== null || t.endsWith("?"))
    return {};
  return { [field]: t };
}

/** Like the Claude adapter, every proposed call goes through the tools' zod schemas. */
export function decideByRules(context: BrainContext): BrainDecision {
  const proposed = proposeByRules(context);
  const decision: BrainDecision = { ...proposed, toolCalls: [], rejectedToolCalls: [] };
  for (const call of proposed.toolCalls) {
    const parsed = parseToolCall(call.name, call.input);
    if (parsed.ok) decision.toolCalls.push(parsed.call);
    else decision.rejectedToolCalls.push(parsed.rejected);
  }
  return decision;
}

function proposeByRules(context: BrainContext): BrainDecision {
  const decision: BrainDecision = { replies: [], toolCalls: [], rejectedToolCalls: [], brain: "rules" };
  const texts = context.newMessages.filter((m) => m.direction === "in").map((m) => m.text.trim());
  if (isBotSilent(context.mode) || texts.length === 0) return decision;
  const language = detectLanguage(
    texts,
    context.history.filter((m) => m.direction === "in").map((m) => m.text),
  );
  const last = texts[texts.length - 1] ?? "";
  const calls: ToolCall[] = decision.toolCalls;
  const reply = (es: string, en: string) => decision.replies.push(say(language, es, en));

  if (texts.some(wantsHuman)) {
    calls.push({ name: "request_human", input: { reason: "The customer asked to talk to a person" } });
    reply(
      "Claro, te comunico con una persona de nuestro equipo.",
      "Sure, I'm passing you to a person on our team.",
    );
    return decision;
  }

  const extracted: ExtractedFields = Object.assign({}, ...texts.map(extractFields));
  const missingBefore = missingFields(context.collected);
  if (
    Object.keys(extracted).length === 0 &&
    texts.length === 1 &&
    (context.mode === "collecting_data" || context.mode === "greeting")
  ) {
    Object.assign(extracted, context.mode === "collecting_data" ? bareAnswer(last, missingBefore) : {});
  }
  if (Object.keys(extracted).length > 0) calls.push({ name: "save_customer_data", input: extracted });
  const merged = { ...context.collected, ...extracted };
  const missing = missingFields(merged);
  const name = firstName(merged.name);
  const gotData = Object.keys(extracted).length > 0;

  switch (context.mode) {
    case "greeting":
    case "closed": {
      reply(`¡Hola${name}! Gracias por escribirnos.`, `Hi${name}! Thanks for writing to us.`);
      if (missing.length === 0) {
        reply("Estas son las promociones que tengo para ti.", "Here are the offers I have for you.");
        calls.push({ name: "show_promos", input: {} });
      } else decision.replies.push(askMissingFields(missing, language));
      break;
    }
    case "collecting_data": {
      if (missing.length === 0) {
        reply(
          `¡Gracias${name}! Ya tengo tus datos completos.`,
          `Thank you${name}! I have all your details now.`,
        );
        calls.push({ name: "show_promos", input: {} });
      } else if (asksForPrices(last)) {
        reply("¡Claro! Te comparto nuestras promociones.", "Of course! Here are our offers.");
        calls.push({ name: "show_promos", input: {} });
      } else {
        if (gotData) reply(`¡Gracias${name}!`, `Thank you${name}!`);
        decision.replies.push(askMissingFields(missing, language));
      }
      break;
    }
    case "promos": {
      const number = chosenNumber(last);
      if (number !== null) {
        const pack = packByNumber(context.catalog, number);
        if (pack) {
          reply("¡Excelente elección!", "Great choice!");
          calls.push({ name: "select_packs", input: { items: [{ packId: pack.packId, qty: 1 }] } });
        } else {
          reply(`No tengo la opción ${number}.`, `There is no option ${number}.`);
          calls.push({ name: "show_promos", input: {} });
        }
      } else if (isYes(last)) {
        if (context.orderDraft && context.orderDraft.length > 0)
          calls.push({ name: "create_order", input: {} });
        else decision.replies.push(textsIn(language).chooseAnOption);
      } else if (isNo(last) && context.orderDraft && context.orderDraft.length > 0) {
        reply("Sin problema.", "No problem.");
        decision.replies.push(textsIn(language).chooseAnOption);
      } else if (isGoodbye(last)) {
        reply(
          "Gracias por tu tiempo. Aquí estaré cuando quieras hacer tu pedido.",
          "Thanks for your time. I'll be here whenever you want to order.",
        );
        calls.push({ name: "close_conversation", input: { reason: "customer declined" } });
      } else if (asksForPrices(last)) {
        calls.push({ name: "show_promos", input: {} });
      } else if (gotData) {
        reply(`Listo${name}, actualicé tus datos.`, `Done${name}, I updated your details.`);
      } else {
        decision.replies.push(textsIn(language).chooseAnOption);
      }
      break;
    }
    case "awaiting_approval":
      decision.replies.push(textsIn(language).orderAlreadyPending);
      break;
    default:
      break;
  }
  return decision;
}

export function createRulesBrain(): Brain {
  return { kind: "rules", decide: async (context) => decideByRules(context) };
}
