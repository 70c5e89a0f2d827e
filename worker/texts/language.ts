// The customer's language, guessed from what they wrote: Spanish unless the text reads as English.
export type Language = "es" | "en";

const ENGLISH =
  /\b(hi|hello|hey|yes|yeah|no thanks|please|thanks|thank you|my name|i am|i'm|i want|how much|price|address|city|phone|order|buy|agent|human|want|the|and|is)\b/gi;
const SPANISH =
  /\b(hola|buenas|buenos|sí|si|gracias|por favor|me llamo|mi nombre|soy|quiero|cuánto|cuanto|precio|dirección|direccion|ciudad|teléfono|telefono|pedido|comprar|humano|asesor|el|la|los|las|es|de|y|mi)\b/gi;

function score(texts: readonly string[]): number {
  const text = texts.join("\n");
  return (text.match(ENGLISH)?.length ?? 0) - (text.match(SPANISH)?.length ?? 0);
}

/** Language of `texts`; when they do not tell ("2", "ok"), the language of `earlier` texts. */
export function detectLanguage(texts: readonly string[], earlier: readonly string[] = []): Language {
  const now = score(texts);
  const s = now !== 0 ? now : score(earlier);
  return s > 0 ? "en" : "es";
}
