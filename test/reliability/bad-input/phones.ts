// The simulated phones' API on the sandbox page server: what a customer's message may look like.
// A refused message writes nothing; an accepted one is stored exactly as sent and answered.
import { expect } from "vitest";
import type { BadInputStack } from "../support/bad-input-stack.js";
import { added, bigJson, jsonError, MB, postJson, type Row, type RowOutcome } from "./rows.js";

const MESSAGES = "/sandbox/whatsapp/messages";

/** Test customers: +52155501NN (the log check looks for any of them unmasked). */
export const phone = (n: number): string => `+52155501${String(n).padStart(2, "0")}`;

const send = (body: unknown, headers: Record<string, string> = {}) => postJson(MESSAGES, body, headers);

/** A message taken whole: 202, stored with exactly its text, and the bot answered it. */
function storedAndAnswered(from: string, text: string, name?: string) {
  return {
    in: "any" as const,
    async check(o: RowOutcome) {
      const inbound = added(o, "messages").filter((m) => m["direction"] === "in");
      expect(inbound.map((m) => m["text"])).toEqual([text]);
      const chat = await (
        await fetch(`${o.s.urls.page}/sandbox/whatsapp/chats/${encodeURIComponent(from)}`)
      ).json();
      const { messages } = chat as { messages: { direction: string; text: string }[] };
      expect(messages[0]).toMatchObject({ direction: "in", text });
      expect(messages.filter((m) => m.direction === "out").length).toBeGreaterThan(0);
      const contacts = added(o, "contacts");
      expect(contacts).toHaveLength(1);
      if (name !== undefined) expect(contacts[0]?.["profileName"]).toBe(name);
    },
  };
}

async function firstDelivery(s: BadInputStack, from: string, id: string): Promise<void> {
  const answer = await s.send("page", send({ from, text: "primera entrega", id }));
  if (answer.status !== 202) throw new Error(`setup: ${answer.status} ${answer.body}`);
}

const RTL = "مرحبا، أريد طلب ‮٣‬ قطع"; // Arabic, with a right-to-left override inside
const EMOJI = "hola 👋🏽 quiero 2 🧁🧁 y un 👨‍👩‍👧‍👦";

export const phoneRows: Row[] = [
  {
    name: "phones: malformed JSON",
    target: "page",
    request: send(`{"from": "${phone(1)}", "text": "hola`),
    expect: jsonError(400, /^body is not valid JSON$/),
  },
  {
    name: "phones: wrong types (from a number, text a list)",
    target: "page",
    request: send({ from: 5215550102, text: ["hola"] }),
    expect: jsonError(400, /^from must be a string$/),
  },
  {
    name: "phones: text missing",
    target: "page",
    request: send({ from: phone(3) }),
    expect: jsonError(400, /^text must be a string$/),
  },
  {
    name: "phones: a JSON list instead of an object",
    target: "page",
    request: send([{ from: phone(4), text: "hola" }]),
    expect: jsonError(400, /^body must be a JSON object$/),
  },
  {
    name: "phones: no body at all",
    target: "page",
    request: { method: "POST", path: MESSAGES },
    expect: jsonError(400, /^body must be a JSON object$/),
  },
  {
    name: "phones: a 1 MB body (one 1 MB text)",
    target: "page",
    request: send(bigJson(MB, { from: phone(5) }).replace('"pad"', '"text"')),
    expect: jsonError(400, /^text must be at most 65536 characters$/),
  },
  {
    name: "phones: a 20 MB body",
    target: "page",
    request: send(bigJson(20 * MB, { from: phone(6) }).replace('"pad"', '"text"')),
    expect: jsonError(413, /^body is too large$/),
  },
  {
    name: "phones: Content-Encoding gzip with a body that is not gzip",
    target: "page",
    request: send(`{"from": "${phone(7)}", "text": "hola"}`, { "content-encoding": "gzip" }),
    expect: jsonError(400, /^body could not be decompressed/),
  },
  {
    name: "phones: Content-Encoding br with a body that is not brotli",
    target: "page",
    request: send(`{"from": "${phone(7)}", "text": "hola"}`, { "content-encoding": "br" }),
    expect: jsonError(400, /^body could not be decompressed/),
  },
  {
    name: "phones: Content-Encoding x-unknown",
    target: "page",
    request: send({ from: phone(7), text: "hola" }, { "content-encoding": "x-unknown" }),
    expect: jsonError(415, /^unsupported content encoding/),
  },
  {
    name: "phones: charset=latin1",
    target: "page",
    request: send(
      { from: phone(8), text: "hola señor" },
      { "content-type": "application/json; charset=latin1" },
    ),
    expect: jsonError(415, /^unsupported charset \(use utf-8\)$/),
  },
  {
    name: "phones: a form-encoded body",
    target: "page",
    request: {
      method: "POST",
      path: MESSAGES,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `from=${encodeURIComponent(phone(9))}&text=hola`,
    },
    expect: jsonError(415, /^unsupported media type/),
  },
  {
    name: 'phones: from is an operator object {"$gt": ""}',
    target: "page",
    request: send({ from: { $gt: "" }, text: "hola" }),
    expect: jsonError(400, /^from must be a string$/),
  },
  {
    name: 'phones: text is an operator object {"$ne": null}',
    target: "page",
    request: send({ from: phone(10), text: { $ne: null } }),
    expect: jsonError(400, /^text must be a string$/),
  },
  {
    name: 'phones: id is an operator object {"$gt": ""}',
    target: "page",
    request: send({ from: phone(10), text: "hola", id: { $gt: "" } }),
    expect: jsonError(400, /^id must be a string$/),
  },
  {
    name: 'phones: name is {"$where": "sleep(5000)"}',
    target: "page",
    request: send({ from: phone(10), text: "hola", name: { $where: "sleep(5000)" } }),
    expect: jsonError(400, /^name must be a string$/),
  },
  {
    name: "phones: empty text",
    target: "page",
    request: send({ from: phone(11), text: "" }),
    expect: jsonError(400, /^text must not be empty$/),
  },
  {
    name: "phones: text of spaces, tabs and newlines only",
    target: "page",
    request: send({ from: phone(11), text: " \t\n \r\n " }),
    expect: jsonError(400, /^text must not be empty$/),
  },
  {
    name: "phones: huge text (65,537 characters)",
    target: "page",
    request: send({ from: phone(12), text: "a".repeat(65_537) }),
    expect: jsonError(400, /^text must be at most 65536 characters$/),
  },
  {
    name: "phones: text with a lone surrogate",
    target: "page",
    request: send(`{"from": "${phone(13)}", "text": "hola \\ud800 amigo"}`),
    expect: jsonError(400, /^text must be valid Unicode text \(it has a lone surrogate\)$/),
  },
  {
    name: "phones: emoji text (skin tones, a family ZWJ sequence)",
    target: "page",
    request: send({ from: phone(14), text: EMOJI }),
    expect: ({ answer }) => expect(answer!.status, answer!.body).toBe(202),
    writes: storedAndAnswered(phone(14), EMOJI),
  },
  {
    name: "phones: right-to-left text with a RLO override",
    target: "page",
    request: send({ from: phone(15), text: RTL }),
    expect: ({ answer }) => expect(answer!.status, answer!.body).toBe(202),
    writes: storedAndAnswered(phone(15), RTL),
  },
  {
    name: "phones: text with a NUL character",
    target: "page",
    request: send({ from: phone(16), text: "hola\u0000mundo" }),
    expect: ({ answer }) => expect(answer!.status, answer!.body).toBe(202),
    writes: storedAndAnswered(phone(16), "hola\u0000mundo"),
  },
  {
    name: "phones: a name with emoji, RTL and NUL",
    target: "page",
    request: send({ from: phone(17), text: "buenas", name: "Zoë 🌵 ‏علي\u0000" }),
    expect: ({ answer }) => expect(answer!.status, answer!.body).toBe(202),
    writes: storedAndAnswered(phone(17), "buenas", "Zoë 🌵 ‏علي\u0000"),
  },
  {
    name: "phones: a message id of 201 characters",
    target: "page",
    request: send({ from: phone(18), text: "hola", id: "x".repeat(201) }),
    expect: jsonError(400, /^id must be at most 200 characters$/),
  },
  {
    name: "phones: a message id another phone already used",
    setup: (s) => firstDelivery(s, phone(19), "BADINPUT-SHARED-ID-1"),
    target: "page",
    request: send({ from: phone(20), text: "soy otro", id: "BADINPUT-SHARED-ID-1" }),
    expect: jsonError(400, /^id is already used by a message from another phone$/),
  },
  {
    name: "phones: from is not E.164 (spaces, no plus, letters)",
    target: "page",
    request: send({ from: "52 155 501 ab", text: "hola" }),
    expect: jsonError(400, /^from must be an E\.164 phone number like \+5215550001$/),
  },
  {
    name: "phones: path traversal as the chat's phone",
    target: "page",
    request: { path: "/sandbox/whatsapp/chats/..%2F..%2F..%2Fetc%2Fpasswd" },
    expect: jsonError(400, /^phone must be an E\.164 phone number/),
  },
  {
    name: "phones: a bad %-escape in the chat's path",
    target: "page",
    request: { path: "/sandbox/whatsapp/chats/%ZZ" },
    expect: jsonError(400, /^the path has an invalid %-escape$/),
  },
  {
    name: "phones: ../../etc/passwd below the phones API",
    target: "page",
    request: { path: "/sandbox/whatsapp/../../../etc/passwd" },
    expect: jsonError(404, /^not found$/),
  },
];
