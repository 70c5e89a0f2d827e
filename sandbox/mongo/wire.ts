// MongoDB wire protocol framing: the legacy OP_QUERY handshake and OP_MSG (with kind-1 document sequences).
import { deserialize, serialize } from "bson";
import type { Doc } from "./types.js";

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;
export const OP_COMPRESSED = 2012;

const FLAG_CHECKSUM_PRESENT = 1;
const FLAG_MORE_TO_COME = 2;

export const MAX_MESSAGE_SIZE = 48_000_000;

export interface Header {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

/** A request decoded into one command document, whatever opcode carried it. */
export interface Request {
  header: Header;
  opCode: typeof OP_QUERY | typeof OP_MSG;
  command: Doc;
  /** OP_QUERY's namespace ("admin.$cmd"); for OP_MSG the database comes from `$db`. */
  database: string;
  /** The client asked for no reply (OP_MSG moreToCome, e.g. w:0 writes and endSessions). */
  moreToCome: boolean;
}

const DESERIALIZE_OPTIONS = { promoteLongs: true, promoteValues: true, promoteBuffers: false } as const;

export function readHeader(buf: Buffer): Header {
  return {
    length: buf.readInt32LE(0),
    requestId: buf.readInt32LE(4),
    responseTo: buf.readInt32LE(8),
    opCode: buf.readInt32LE(12),
  };
}

function readCString(buf: Buffer, offset: number): { value: string; next: number } {
  const end = buf.indexOf(0, offset);
  if (end < 0) throw new Error("unterminated cstring");
  return { value: buf.toString("utf8", offset, end), next: end + 1 };
}

function readDocument(buf: Buffer, offset: number): { doc: Doc; next: number } {
  const size = buf.readInt32LE(offset);
  const doc = deserialize(buf.subarray(offset, offset + size), DESERIALIZE_OPTIONS) as Doc;
  return { doc, next: offset + size };
}

/** Decodes one complete message (header included). Unknown opcodes return null. */
export function decodeMessage(buf: Buffer): Request | null {
  const header = readHeader(buf);
  if (header.opCode === OP_QUERY) return decodeQuery(buf, header);
  if (header.opCode === OP_MSG) return decodeMsg(buf, header);
  return null;
}

function decodeQuery(buf: Buffer, header: Header): Request {
  let offset = 16 + 4; // header + flags
  const ns = readCString(buf, offset);
  offset = ns.next + 8; // numberToSkip + numberToReturn
  const { doc } = readDocument(buf, offset);
  // Old drivers wrap the command: { $query: {...}, $readPreference: ... }
  const command = (doc["$query"] as Doc | undefined) ?? doc;
  const database = ns.value.split(".")[0] ?? "admin";
  return { header, opCode: OP_QUERY, command, database, moreToCome: false };
}

function decodeMsg(buf: Buffer, header: Header): Request {
  const flags = buf.readUInt32LE(16);
  const end = flags & FLAG_CHECKSUM_PRESENT ? header.length - 4 : header.length;
  let offset = 20;
  let command: Doc | null = null;
  const sequences: Array<[string, Doc[]]> = [];
  while (offset < end) {
    const kind = buf.readUInt8(offset);
    offset += 1;
    if (kind === 0) {
      const { doc, next } = readDocument(buf, offset);
      command = doc;
      offset = next;
    } else if (kind === 1) {
      const size = buf.readInt32LE(offset);
      const sectionEnd = offset + size;
      const id = readCString(buf, offset + 4);
      let cursor = id.next;
      const docs: Doc[] = [];
      while (cursor < sectionEnd) {
        const { doc, next } = readDocument(buf, cursor);
        docs.push(doc);
        cursor = next;
      }
      sequences.push([id.value, docs]);
      offset = sectionEnd;
    } else {
      throw new Error(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!command) throw new Error("OP_MSG without a body section");
  // Document sequences are the command's array fields sent out of line (documents, updates, deletes).
  for (const [name, docs] of sequences) command[name] = docs;
  const database = typeof command["$db"] === "string" ? command["$db"] : "admin";
  return { header, opCode: OP_MSG, command, database, moreToCome: (flags & FLAG_MORE_TO_COME) !== 0 };
}

let nextRequestId = 1;

function header(length: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

export function encodeReply(responseTo: number, doc: Doc): Buffer {
  const body = serialize(doc, { ignoreUndefined: true });
  const fixed = Buffer.alloc(20);
  fixed.writeInt32LE(0, 0); // responseFlags
  fixed.writeBigInt64LE(0n, 4); // cursorID
  fixed.writeInt32LE(0, 12); // startingFrom
  fixed.writeInt32LE(1, 16); // numberReturned
  const length = 16 + fixed.length + body.length;
  return Buffer.concat([header(length, responseTo, OP_REPLY), fixed, body]);
}

export function encodeMsg(responseTo: number, doc: Doc): Buffer {
  const body = serialize(doc, { ignoreUndefined: true });
  const flags = Buffer.alloc(5); // flagBits (0) + section kind 0
  const length = 16 + flags.length + body.length;
  return Buffer.concat([header(length, responseTo, OP_MSG), flags, body]);
}

export function encodeResponse(request: Request, doc: Doc): Buffer {
  return request.opCode === OP_QUERY
    ? encodeReply(request.header.requestId, doc)
    : encodeMsg(request.header.requestId, doc);
}

/** Splits a byte stream into whole messages. */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      this.chunks = [all];
      const length = all.readInt32LE(0);
      if (length < 16 || length > MAX_MESSAGE_SIZE) throw new Error(`invalid message length ${length}`);
      if (this.buffered < length) break;
      out.push(all.subarray(0, length));
      const rest = all.subarray(length);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
    }
    return out;
  }
}
