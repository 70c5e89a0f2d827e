// Prompt-cache accounting of the fake Messages API, modelled on Anthropic's documented behaviour:
// the prompt is read in the order tools → system → messages; a block with `cache_control` writes the
// prefix up to and including it to the cache; a later request reads the longest cached prefix it
// starts with (checked at every block boundary up to its last breakpoint). Tokens are estimated as
// UTF-8 bytes / 4. `cache_control` itself is not part of the prefix, like in the real cache.
import { createHash } from "node:crypto";

export interface PromptSegment {
  /** Canonical text of one tool, system block or message content block. */
  text: string;
  tokens: number;
  breakpoint: boolean;
}

type Json = Record<string, unknown>;

export function estimateTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, "utf8") / 4);
}

function withoutCacheControl(block: unknown): { json: string; breakpoint: boolean } {
  if (block && typeof block === "object" && !Array.isArray(block)) {
    const { cache_control: cc, ...rest } = block as Json;
    return { json: JSON.stringify(rest), breakpoint: cc !== undefined && cc !== null };
  }
  return { json: JSON.stringify(block), breakpoint: false };
}

/** The request's prompt as a list of cacheable segments, in cache order. */
export function promptSegments(body: Json): PromptSegment[] {
  const segments: PromptSegment[] = [];
  const push = (prefix: string, block: unknown) => {
    const { json, breakpoint } = withoutCacheControl(block);
    const text = `${prefix}${json}`;
    segments.push({ text, tokens: estimateTokens(text), breakpoint });
  };
  for (const tool of Array.isArray(body.tools) ? body.tools : []) push("tool:", tool);
  if (typeof body.system === "string") push("system:", { type: "text", text: body.system });
  else if (Array.isArray(body.system)) for (const b of body.system) push("system:", b);
  for (const message of Array.isArray(body.messages) ? (body.messages as Json[]) : []) {
    const role = String(message.role);
    const content = message.content;
    if (typeof content === "string") push(`${role}:`, { type: "text", text: content });
    else if (Array.isArray(content)) for (const b of content) push(`${role}:`, b);
  }
  return segments;
}

export interface CacheAccounting {
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  totalTokens: number;
}

export interface PromptCache {
  account(model: string, segments: readonly PromptSegment[]): CacheAccounting;
  clear(): void;
}

export function createPromptCache(
  options: { ttlMs?: number; minCacheableTokens?: number; now?: () => number } = {},
): PromptCache {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const minTokens = options.minCacheableTokens ?? 0;
  const now = options.now ?? Date.now;
  const entries = new Map<string, number>(); // prefix hash → expiry

  return {
    clear: () => entries.clear(),
    account(model, segments) {
      const t = now();
      let hash = createHash("sha256").update(`model:${model}`).digest("hex");
      let cumulative = 0;
      const prefixes: { hash: string; tokens: number; breakpoint: boolean }[] = [];
      for (const s of segments) {
        hash = createHash("sha256").update(hash).update(s.text).digest("hex");
        cumulative += s.tokens;
        prefixes.push({ hash, tokens: cumulative, breakpoint: s.breakpoint });
      }
      const lastBreakpoint = prefixes.map((p) => p.breakpoint).lastIndexOf(true);
      let read = 0;
      for (let i = 0; i <= lastBreakpoint; i += 1) {
        const p = prefixes[i];
        const expiry = p ? entries.get(p.hash) : undefined;
        if (p && expiry !== undefined && expiry > t) {
          read = p.tokens;
          entries.set(p.hash, t + ttlMs); // a hit refreshes the entry
        }
      }
      let write = 0;
      for (let i = 0; i <= lastBreakpoint; i += 1) {
        const p = prefixes[i];
        if (!p?.breakpoint || p.tokens < minTokens) continue;
        if (p.tokens > read) write = p.tokens - read;
        entries.set(p.hash, t + ttlMs);
      }
      return {
        totalTokens: cumulative,
        cacheReadTokens: read,
        cacheWriteTokens: write,
        inputTokens: cumulative - read - write,
      };
    },
  };
}
