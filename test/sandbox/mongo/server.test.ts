// The embedded server as a process component: how it starts, what it says, and that bad clients
// cannot take it down.
import net from "node:net";
import { MongoClient } from "mongodb";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startEmbeddedMongo, type EmbeddedMongo } from "../../../sandbox/mongo/index.js";

const servers: EmbeddedMongo[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function start(
  opts: Parameters<typeof startEmbeddedMongo>[0] = { quiet: true },
): Promise<EmbeddedMongo> {
  const server = await startEmbeddedMongo(opts);
  servers.push(server);
  return server;
}

function sendRaw(port: number, bytes: Buffer): Promise<"closed"> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(bytes));
    socket.on("close", () => resolve("closed"));
    socket.on("error", reject);
  });
}

describe("startEmbeddedMongo", () => {
  it("binds 127.0.0.1 on a random port and says it is a development stand-in", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const server = await start({ port: 0 });
    expect(server.port).toBeGreaterThan(0);
    expect(server.uri).toBe(`mongodb://127.0.0.1:${server.port}/`);
    expect(log.mock.calls.flat().join("\n")).toMatch(/development stand-in.*not a database for production/);
  });

  it("prints nothing when quiet", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await start({ quiet: true });
    expect(log).not.toHaveBeenCalled();
  });

  it("keeps serving other clients after a client sends garbage", async () => {
    const server = await start();
    const garbage = Buffer.alloc(32, 0xab);
    garbage.writeInt32LE(32, 0); // a plausible length with an unknown opcode and junk body
    expect(await sendRaw(server.port, garbage)).toBe("closed");
    const absurd = Buffer.alloc(8);
    absurd.writeInt32LE(0x7fffffff, 0);
    expect(await sendRaw(server.port, absurd)).toBe("closed");

    const client = new MongoClient(server.uri);
    try {
      await client.connect();
      expect(await client.db("admin").command({ ping: 1 })).toMatchObject({ ok: 1 });
    } finally {
      await client.close();
    }
  });

  it("stops accepting connections after stop()", async () => {
    const server = await startEmbeddedMongo({ quiet: true });
    await server.stop();
    const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 300 });
    await expect(client.connect()).rejects.toThrow();
    await client.close();
  });
});
