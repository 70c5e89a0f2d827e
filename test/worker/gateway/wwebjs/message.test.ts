import { describe, expect, it } from "vitest";
import { toRawWaMessage } from "../../../../worker/gateway/wwebjs/message.js";
import { waMessage } from "./fake-client.js";

describe("toRawWaMessage", () => {
  it("copies the fields the gateway needs", () => {
    const raw = toRawWaMessage(
      waMessage({ id: { _serialized: "false_1@c.us_X" }, body: "hola", timestamp: 1700000000 }),
    );
    expect(raw).toEqual({
      id: "false_1@c.us_X",
      from: "5215550001@c.us",
      fromMe: false,
      isStatus: false,
      type: "chat",
      body: "hola",
      timestamp: 1700000000,
      notifyName: "Ana",
    });
  });

  it("never treats a media thumbnail as the caption", () => {
    const thumbnail = "/9j/4AAQSkZJRgABAQAAAQABAAD";
    expect(toRawWaMessage(waMessage({ type: "image", hasMedia: false, body: thumbnail })).body).toBe("");
    expect(
      toRawWaMessage(
        waMessage({ type: "image", hasMedia: false, body: thumbnail, _data: { caption: "precio" } }),
      ).body,
    ).toBe("precio");
    expect(toRawWaMessage(waMessage({ type: "image", hasMedia: true, body: "precio" })).body).toBe("precio");
    expect(toRawWaMessage(waMessage({ type: "location", body: thumbnail })).body).toBe("");
  });

  it("keeps location coordinates as numbers", () => {
    const raw = toRawWaMessage(
      waMessage({ type: "location", location: { latitude: "19.43", longitude: "-99.13", name: "Tienda" } }),
    );
    expect(raw.location).toEqual({ latitude: 19.43, longitude: -99.13, name: "Tienda" });
  });
});
