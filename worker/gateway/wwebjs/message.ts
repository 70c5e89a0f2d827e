import type { RawWaMessage } from "../normalize.js";
import type { WaMessageLike } from "./wa-client.js";

const MEDIA_TYPES = new Set(["image", "album", "video", "audio", "ptt", "document", "sticker"]);

/** Copies the fields the gateway needs out of a whatsapp-web.js Message. */
export function toRawWaMessage(msg: WaMessageLike): RawWaMessage {
  // For media, whatsapp-web.js puts the caption in `body` only when the media is downloadable;
  // otherwise `body` may hold a base64 thumbnail, so the caption is read from the raw data.
  const isMedia = MEDIA_TYPES.has(msg.type);
  const body =
    msg.type === "location"
      ? ""
      : isMedia
        ? msg.hasMedia
          ? msg.body
          : (msg._data?.caption ?? "")
        : msg.body;
  const location =
    msg.type === "location" && msg.location
      ? {
          latitude: Number(msg.location.latitude),
          longitude: Number(msg.location.longitude),
          ...(msg.location.name ? { name: msg.location.name } : {}),
        }
      : undefined;
  return {
    id: msg.id._serialized,
    from: msg.from,
    ...(msg.author ? { author: msg.author } : {}),
    fromMe: msg.fromMe,
    isStatus: Boolean(msg.isStatus),
    type: msg.type,
    body: typeof body === "string" ? body : "",
    timestamp: msg.timestamp,
    ...(msg._data?.notifyName ? { notifyName: msg._data.notifyName } : {}),
    ...(location ? { location } : {}),
  };
}
