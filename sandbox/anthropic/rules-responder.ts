// The fake API's default answer when nothing is scripted: the offline rules brain, reading the
// request the Claude adapter built (catalog block, history turns, <state> block) and answering with
// text and tool_use blocks, so the sandbox demo works end to end through the real SDK.
import type { CatalogOffer, PackOffer } from "../../worker/agent/brain/catalog-offer.js";
import { splitPackId } from "../../worker/agent/brain/catalog-offer.js";
import { parseCatalog, parseState } from "../../worker/agent/brain/prompt.js";
import { decideByRules } from "../../worker/agent/brain/rules.js";
import type { BrainContext, ChatMessage } from "../../worker/agent/brain/types.js";
import type { CollectedFields, ConversationMode } from "../../shared/domain/conversation.js";
import type { FakeContentBlock } from "./shapes.js";

type Json = Record<string, unknown>;

function texts(content: unknown): string[] {
  if (typeof content === "string") return [content];
  if (!Array.isArray(content)) return [];
  return content
    .filter((b): b is { type: "text"; text: string } => (b as Json)?.type === "text")
    .map((b) => b.text);
}

export function rulesResponder(body: Json): FakeContentBlock[] {
  const system = Array.isArray(body.system) ? body.system.flatMap((b) => texts([b])) : texts(body.system);
  const catalog = system.map(parseCatalog).find((c) => c !== null);
  const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  const last = messages[messages.length - 1];
  const lastTexts = texts(last?.content);
  const state = lastTexts.map(parseState).find((s) => s !== null);
  if (!state || !catalog) {
    return [{ type: "text", text: "Hola, ¿en qué te puedo ayudar?" }];
  }
  const history: ChatMessage[] = messages.slice(0, -1).flatMap((m) =>
    texts(m.content).map((text) => ({
      direction: m.role === "user" ? ("in" as const) : ("out" as const),
      text,
    })),
  );
  const newMessages: ChatMessage[] = lastTexts
    .filter((t) => parseState(t) === null)
    .map((text) => ({ direction: "in", text }));
  // The rules brain only needs pack numbers and ids from the catalog.
  const offer: CatalogOffer = {
    products: [],
    packs: catalog.packs.map((p) => ({ number: p.option, packId: p.packId }) as PackOffer),
  };
  const context: BrainContext = {
    mode: state.mode as ConversationMode,
    collected: state.collected as Partial<CollectedFields>,
    orderDraft: state.selected.flatMap((s) => {
      const id = splitPackId(s.packId);
      return id ? [{ sku: id.sku, pack: id.pack, qty: s.qty }] : [];
    }),
    catalog: offer,
    history,
    newMessages,
  };
  const decision = decideByRules(context);
  return [
    ...decision.replies.map((text) => ({ type: "text" as const, text })),
    ...decision.toolCalls.map((call) => ({ type: "tool_use" as const, name: call.name, input: call.input })),
  ];
}
