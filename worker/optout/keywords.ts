// Opt-out / opt-in keywords: the whole message (trimmed, any case) must be one of the words.

export interface OptKeywords {
  optOut: readonly string[];
  optIn: readonly string[];
}

export const DEFAULT_OPT_KEYWORDS: OptKeywords = {
  optOut: ["STOP", "BAJA", "UNSUBSCRIBE"],
  optIn: ["START"],
};

export type OptIntent = "opt-out" | "opt-in";

function fold(value: string): string {
  return value.trim().toLocaleUpperCase("en-US");
}

/** "opt-out", "opt-in" or undefined for any other message ("stop please" is not a keyword). */
export function detectOptKeyword(
  text: string,
  keywords: OptKeywords = DEFAULT_OPT_KEYWORDS,
): OptIntent | undefined {
  const word = fold(text);
  if (!word) return undefined;
  if (keywords.optOut.some((k) => fold(k) === word)) return "opt-out";
  if (keywords.optIn.some((k) => fold(k) === word)) return "opt-in";
  return undefined;
}
