// What a person reads in a message: Slack renders blocks when there are any (the top-level text is then
// only the notification fallback), else the text.

type Json = Record<string, unknown>;

function textOf(obj: unknown): string | undefined {
  if (!obj || typeof obj !== "object") return undefined;
  const t = (obj as Json)["text"];
  if (typeof t === "string") return t;
  return undefined;
}

function richText(elements: unknown): string {
  if (!Array.isArray(elements)) return "";
  return elements
    .map((el) => {
      if (!el || typeof el !== "object") return "";
      const e = el as Json;
      if (typeof e["text"] === "string") return e["text"];
      if (e["type"] === "user") return `<@${String(e["user_id"])}>`;
      if (e["type"] === "channel") return `<#${String(e["channel_id"])}>`;
      if (e["type"] === "link") return String(e["text"] ?? e["url"] ?? "");
      if (Array.isArray(e["elements"])) return richText(e["elements"]);
      return "";
    })
    .join("");
}

function blockText(block: unknown): string[] {
  if (!block || typeof block !== "object") return [];
  const b = block as Json;
  const lines: string[] = [];
  switch (b["type"]) {
    case "header":
    case "section": {
      const t = textOf(b["text"]);
      if (t) lines.push(t);
      if (Array.isArray(b["fields"])) {
        for (const f of b["fields"]) {
          const ft = textOf(f);
          if (ft) lines.push(ft);
        }
      }
      break;
    }
    case "context": {
      const parts = Array.isArray(b["elements"]) ? b["elements"].map(textOf).filter((t) => t) : [];
      if (parts.length) lines.push(parts.join(" "));
      break;
    }
    case "rich_text":
      lines.push(richText(b["elements"]));
      break;
    case "markdown":
      if (typeof b["text"] === "string") lines.push(b["text"]);
      break;
    case "actions": {
      const labels = Array.isArray(b["elements"])
        ? b["elements"].map((e) => textOf((e as Json | undefined)?.["text"])).filter((t) => t)
        : [];
      if (labels.length) lines.push(labels.map((l) => `[${l}]`).join(" "));
      break;
    }
    default:
      break;
  }
  return lines;
}

export function visibleText(message: { text?: unknown; blocks?: unknown }): string {
  if (Array.isArray(message.blocks) && message.blocks.length > 0) {
    const rendered = message.blocks.flatMap(blockText).join("\n");
    if (rendered.trim()) return rendered;
  }
  return typeof message.text === "string" ? message.text : "";
}
