// The TCP server: framing per connection, one command at a time per connection, and every reply
// held back until the journal has made durable everything the command could have written or seen.
import net from "node:net";
import { commandNameOf, runCommand } from "./commands/index.js";
import type { CommandContext, ServerParameters } from "./commands/context.js";
import { CursorRegistry } from "./cursors.js";
import { FailPoints } from "./failpoints.js";
import { Journal } from "./journal.js";
import { Store } from "./store.js";
import { sweepExpired } from "./ttl.js";
import type { Doc } from "./types.js";
import { decodeMessage, encodeResponse, MessageFramer, type Request } from "./wire.js";

const TTL_TICK_MS = 250;

interface ConnectionState {
  id: number;
  /** The driver's appName from the handshake; fail points can target it. */
  appName: string | undefined;
}

export interface ServerOptions {
  port: number;
  host: string;
  dataDir?: string;
  ttlMonitorSleepSecs?: number;
}

export class MongoWireServer {
  readonly store = new Store();
  readonly cursors = new CursorRegistry();
  readonly failPoints = new FailPoints();
  readonly parameters: ServerParameters;
  private readonly startedAt = new Date();
  private readonly server = net.createServer((socket) => this.accept(socket));
  private readonly sockets = new Set<net.Socket>();
  private journal: Journal | null = null;
  private nextConnectionId = 1;
  private ttlTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly options: ServerOptions) {
    this.parameters = { ttlMonitorSleepSecs: options.ttlMonitorSleepSecs ?? 60 };
  }

  async start(): Promise<number> {
    if (this.options.dataDir) {
      const { journal, report } = Journal.open(this.options.dataDir, this.store);
      this.journal = journal;
      if (report.discardedBytes > 0) {
        console.warn(
          `[embedded-mongo] discarded ${report.discardedBytes} bytes of an unfinished (unacknowledged) journal record`,
        );
      }
    }
    this.store.onMutation((record) => this.journal?.enqueue(record));
    try {
      await new Promise<void>((resolve, reject) => {
        this.server.once("error", reject);
        this.server.listen(this.options.port, this.options.host, () => {
          this.server.off("error", reject);
          resolve();
        });
      });
    } catch (err) {
      this.journal?.close();
      throw err;
    }
    this.scheduleTtl();
    const address = this.server.address();
    if (!address || typeof address === "string") throw new Error("server has no TCP address");
    return address.port;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.ttlTimer) clearInterval(this.ttlTimer);
    // Reset, not closed: a client that writes to a connection closed by its peer in the moment before
    // it notices can wait forever (the mongodb driver's monitor does: its hello waits for a "drain"
    // that a destroyed socket never emits), and then never finds the server again.
    for (const socket of this.sockets) socket.resetAndDestroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.journal?.close();
    this.cursors.clear();
  }

  /** Ticks often and sweeps when ttlMonitorSleepSecs has passed, so setParameter takes effect at once. */
  private scheduleTtl(): void {
    let lastSweep = Date.now();
    this.ttlTimer = setInterval(() => {
      const now = Date.now();
      if (now - lastSweep < this.parameters.ttlMonitorSleepSecs * 1000) return;
      lastSweep = now;
      try {
        sweepExpired(this.store, now);
        void this.journal?.durable().catch((err: unknown) => {
          console.error("[embedded-mongo] journal write failed:", err);
        });
        this.cursors.reapIdle(now);
      } catch (err) {
        console.error("[embedded-mongo] TTL sweep failed:", err);
      }
    }, TTL_TICK_MS);
    this.ttlTimer.unref();
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const framer = new MessageFramer();
    const connection: ConnectionState = { id: this.nextConnectionId++, appName: undefined };
    let queue = Promise.resolve();
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.on("data", (chunk) => {
      let messages: Buffer[];
      try {
        messages = framer.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const message of messages) {
        queue = queue.then(() => this.handleMessage(message, socket, connection));
      }
    });
  }

  /** One request/response exchange; nothing thrown here may escape and stop the server. */
  private async handleMessage(
    message: Buffer,
    socket: net.Socket,
    connection: ConnectionState,
  ): Promise<void> {
    if (socket.destroyed) return;
    let request: Request | null;
    try {
      request = decodeMessage(message);
    } catch {
      request = null;
    }
    if (!request) {
      socket.destroy(); // malformed, or an opcode never advertised (e.g. OP_COMPRESSED)
      return;
    }
    const client = request.command["client"] as { application?: { name?: string } } | undefined;
    connection.appName = client?.application?.name ?? connection.appName;
    const ctx: CommandContext = {
      store: this.store,
      cursors: this.cursors,
      db: request.database,
      connectionId: connection.id,
      parameters: this.parameters,
      startedAt: this.startedAt,
      failPoints: this.failPoints,
      remote: `${socket.remoteAddress ?? ""}:${socket.remotePort ?? 0}`,
    };
    try {
      const reply = await this.execute(request, ctx, connection.appName, socket);
      if (!reply || request.moreToCome || socket.destroyed) return;
      let encoded: Buffer;
      try {
        encoded = encodeResponse(request, reply);
      } catch (err) {
        encoded = encodeResponse(request, {
          ok: 0,
          code: 1,
          codeName: "InternalError",
          errmsg: `cannot encode reply: ${(err as Error).message}`,
        });
      }
      socket.write(encoded);
    } catch (err) {
      console.error("[embedded-mongo] request failed:", err);
      socket.destroy();
    }
  }

  private async execute(
    request: Request,
    ctx: CommandContext,
    appName: string | undefined,
    socket: net.Socket,
  ): Promise<Doc | null> {
    const action = this.failPoints.check(commandNameOf(request.command), appName);
    if (action?.blockTimeMS) await new Promise((resolve) => setTimeout(resolve, action.blockTimeMS));
    if (action?.closeConnection) {
      socket.destroy();
      return null;
    }
    if (action?.reply) return action.reply;
    const reply = await runCommand(request.command, ctx);
    try {
      await this.journal?.durable();
    } catch (err) {
      console.error("[embedded-mongo] journal write failed:", err);
      return {
        ok: 0,
        code: 1,
        codeName: "InternalError",
        errmsg: `journal write failed: ${(err as Error).message}`,
      };
    }
    if (action?.writeConcernError) reply["writeConcernError"] = action.writeConcernError;
    return reply;
  }
}
