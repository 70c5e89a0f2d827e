// What a customer message is: text, or a kind of media the gateway turns into a placeholder ("[image]").
export const MESSAGE_KINDS = [
  "text",
  "image",
  "audio",
  "video",
  "document",
  "sticker",
  "location",
  "other",
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];
