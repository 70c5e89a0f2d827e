// Handshake, liveness and introspection commands drivers and shells send.
import { Long } from "bson";
import { MongoCommandError } from "../errors.js";
import type { Doc } from "../types.js";
import type { CommandContext, Handler } from "./context.js";

export const SERVER_VERSION = "7.0.0";
const MAX_WIRE_VERSION = 21;

function hello(_cmd: Doc, ctx: CommandContext): Doc {
  // No topologyVersion: the driver then polls with plain hello instead of awaitable (streaming) hello.
  return {
    helloOk: true,
    ismaster: true,
    isWritablePrimary: true,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
  };
}

function buildInfo(): Doc {
  return {
    version: SERVER_VERSION,
    gitVersion: "embedded",
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: 16 * 1024 * 1024,
    storageEngines: ["embedded"],
    modules: [],
    javascriptEngine: "none",
    openssl: { running: "disabled" },
    buildEnvironment: {},
  };
}

function getParameter(cmd: Doc, ctx: CommandContext): Doc {
  const reply: Doc = {};
  if (cmd["featureCompatibilityVersion"] !== undefined || cmd["getParameter"] === "*") {
    reply["featureCompatibilityVersion"] = { version: "7.0" };
  }
  if (cmd["ttlMonitorSleepSecs"] !== undefined || cmd["getParameter"] === "*") {
    reply["ttlMonitorSleepSecs"] = ctx.parameters.ttlMonitorSleepSecs;
  }
  if (cmd["authenticationMechanisms"] !== undefined) reply["authenticationMechanisms"] = [];
  return reply;
}

function setParameter(cmd: Doc, ctx: CommandContext): Doc {
  const reply: Doc = {};
  const secs = cmd["ttlMonitorSleepSecs"];
  if (secs !== undefined) {
    if (typeof secs !== "number" || !(secs > 0))
      throw new MongoCommandError("BadValue", "ttlMonitorSleepSecs must be a positive number");
    reply["was"] = ctx.parameters.ttlMonitorSleepSecs;
    ctx.parameters.ttlMonitorSleepSecs = secs;
  }
  return reply;
}

function serverStatus(_cmd: Doc, ctx: CommandContext): Doc {
  const uptimeMs = Date.now() - ctx.startedAt.getTime();
  return {
    host: "embedded",
    version: SERVER_VERSION,
    process: "embedded-mongo",
    pid: Long.fromNumber(process.pid),
    uptime: Math.floor(uptimeMs / 1000),
    uptimeMillis: Long.fromNumber(uptimeMs),
    localTime: new Date(),
    connections: {},
    storageEngine: { name: "embedded" },
  };
}

function connectionStatus(): Doc {
  return { authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] } };
}

function hostInfo(): Doc {
  return {
    system: { currentTime: new Date(), hostname: "embedded" },
    os: { type: process.platform },
    extra: {},
  };
}

function ok(): Doc {
  return {};
}

function notOnStandalone(): Doc {
  throw new MongoCommandError(
    "IllegalOperation",
    "Transaction numbers are only allowed on a replica set member or mongos",
  );
}

export const adminCommands: Record<string, Handler> = {
  hello,
  ismaster: hello,
  isMaster: hello,
  ping: ok,
  buildInfo,
  buildinfo: buildInfo,
  getParameter,
  setParameter,
  serverStatus,
  connectionStatus,
  hostInfo,
  whatsmyuri: (_cmd, ctx) => ({ you: ctx.remote }),
  getLog: () => ({ totalLinesWritten: 0, log: [] }),
  getCmdLineOpts: () => ({ argv: ["embedded-mongo"], parsed: {} }),
  getFreeMonitoringStatus: () => ({ state: "disabled" }),
  endSessions: ok,
  killSessions: ok,
  killAllSessions: ok,
  killAllSessionsByPattern: ok,
  refreshSessions: ok,
  startSession: () => ({ id: {}, timeoutMinutes: 30 }),
  commitTransaction: notOnStandalone,
  abortTransaction: notOnStandalone,
  configureFailPoint: (cmd, ctx) => ctx.failPoints.configure(cmd),
  lockInfo: () => ({ lockInfo: [] }),
  currentOp: () => ({ inprog: [] }),
  listCommands: () => ({ commands: {} }),
};
