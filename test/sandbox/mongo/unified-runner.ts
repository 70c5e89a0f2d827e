// A small runner for MongoDB's unified-format test files (the CRUD subset): requirements, entities,
// initial data, operations with expected results/errors, command-started events, and outcomes.
import { EJSON } from "bson";
import fs from "node:fs";
import {
  MongoClient,
  MongoServerError,
  type CommandFailedEvent,
  type CommandStartedEvent,
  type CommandSucceededEvent,
  type Document,
} from "mongodb";
import { assertMatches, assertSameDocuments, type Entities } from "./unified-match.js";
import {
  executeOperation,
  isSupportedOperation,
  type EntityKind,
  type OperationSpec,
  type OperationState,
} from "./unified-operations.js";

type Json = Record<string, unknown>;

export interface SpecTest {
  description: string;
  runOnRequirements?: Json[];
  skipReason?: string;
  operations: OperationSpec[];
  expectEvents?: Array<{ client: string; eventType?: string; events: Json[]; ignoreExtraEvents?: boolean }>;
  outcome?: CollectionData[];
}

interface CollectionData {
  collectionName: string;
  databaseName: string;
  createOptions?: Document;
  documents: Document[];
}

export interface SpecFile {
  description: string;
  schemaVersion: string;
  runOnRequirements?: Json[];
  createEntities?: Json[];
  initialData?: CollectionData[];
  tests: SpecTest[];
}

export interface ServerInfo {
  version: number[];
  topology: "single" | "replicaset" | "sharded" | "load-balanced";
  auth: boolean;
}

export function loadSpecFile(file: string): SpecFile {
  return EJSON.parse(fs.readFileSync(file, "utf8"), { relaxed: true }) as unknown as SpecFile;
}

export async function describeServer(client: MongoClient): Promise<ServerInfo> {
  const admin = client.db("admin");
  const build = await admin.command({ buildInfo: 1 });
  const hello = await admin.command({ hello: 1 });
  const version = String(build["version"]).split(/[.-]/).slice(0, 3).map(Number);
  const topology = hello["msg"] === "isdbgrid" ? "sharded" : hello["setName"] ? "replicaset" : "single";
  return { version, topology, auth: false };
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function parseVersion(v: unknown): number[] {
  return String(v).split(".").map(Number);
}

/** Why a requirement is not met, or null when it is. */
function unmetRequirement(req: Json, server: ServerInfo): string | null {
  if (req["minServerVersion"] && compareVersions(server.version, parseVersion(req["minServerVersion"])) < 0) {
    return `needs server >= ${String(req["minServerVersion"])}`;
  }
  if (req["maxServerVersion"] && compareVersions(server.version, parseVersion(req["maxServerVersion"])) > 0) {
    return `needs server <= ${String(req["maxServerVersion"])} (this one reports ${server.version.join(".")})`;
  }
  const topologies = req["topologies"] as string[] | undefined;
  if (topologies) {
    const ok =
      topologies.includes(server.topology) ||
      (server.topology === "sharded" && topologies.includes("sharded-replicaset"));
    if (!ok) return `needs topology ${topologies.join("/")} (this one is ${server.topology})`;
  }
  if (req["serverless"] === "require") return "needs serverless";
  if (req["auth"] === true && !server.auth) return "needs auth";
  if (req["csfle"] === true) return "needs client-side field level encryption";
  if (req["serverParameters"]) return "needs server parameters the runner does not check";
  return null;
}

function unmetRequirements(reqs: Json[] | undefined, server: ServerInfo): string | null {
  if (!reqs || reqs.length === 0) return null;
  const reasons = reqs.map((r) => unmetRequirement(r, server));
  return reasons.includes(null) ? null : reasons.join(" or ");
}

const SUPPORTED_ENTITIES = new Set(["client", "database", "collection", "session"]);
const SUPPORTED_EVENTS = new Set(["commandStartedEvent", "commandSucceededEvent", "commandFailedEvent"]);

/** The reason this runner cannot run a test (it is then reported as skipped), or null. */
export function skipReason(file: SpecFile, test: SpecTest, server: ServerInfo): string | null {
  if (!/^1\./.test(file.schemaVersion)) return `schemaVersion ${file.schemaVersion} not supported`;
  if (test.skipReason) return `skipReason: ${test.skipReason}`;
  const fileReq = unmetRequirements(file.runOnRequirements, server);
  if (fileReq) return `runOnRequirements not met: ${fileReq}`;
  const testReq = unmetRequirements(test.runOnRequirements, server);
  if (testReq) return `runOnRequirements not met: ${testReq}`;
  const kinds = entityKinds(file);
  for (const entity of file.createEntities ?? []) {
    const type = Object.keys(entity)[0]!;
    if (!SUPPORTED_ENTITIES.has(type)) return `entity type ${type} not supported by the runner`;
  }
  for (const op of test.operations) {
    const kind = op.object === "testRunner" ? "testRunner" : kinds.get(op.object);
    if (!isSupportedOperation(kind, op.name))
      return `operation ${op.object}.${op.name} not supported by the runner`;
    if (kind === "session") return `session operation ${op.name} not supported (standalone server)`;
  }
  for (const expected of test.expectEvents ?? []) {
    if (expected.eventType && expected.eventType !== "command")
      return `expectEvents of type ${expected.eventType} not supported`;
    for (const event of expected.events) {
      const type = Object.keys(event)[0]!;
      if (!SUPPORTED_EVENTS.has(type)) return `event ${type} not supported`;
    }
  }
  if ("expectLogMessages" in test) return "expectLogMessages not supported";
  return null;
}

function entityKinds(file: SpecFile): Map<string, EntityKind> {
  const kinds = new Map<string, EntityKind>();
  for (const entity of file.createEntities ?? []) {
    const [type, spec] = Object.entries(entity)[0] as [EntityKind, Json];
    kinds.set(String(spec["id"]), type);
  }
  for (const test of file.tests) {
    for (const op of test.operations) {
      if (op.saveResultAsEntity && op.name === "createFindCursor") kinds.set(op.saveResultAsEntity, "cursor");
    }
  }
  return kinds;
}

interface ObservedEvent {
  type: string;
  commandName: string;
  databaseName: string;
  command?: Document;
  reply?: Document;
}

const SENSITIVE = new Set([
  "authenticate",
  "saslstart",
  "saslcontinue",
  "getnonce",
  "createuser",
  "updateuser",
  "copydbgetnonce",
  "copydbsaslstart",
  "copydb",
  "hello",
  "ismaster",
]);

interface TestRun {
  entities: Entities;
  kinds: Map<string, EntityKind>;
  clients: MongoClient[];
  events: Map<string, ObservedEvent[]>;
  state: OperationState;
}

function createEntities(file: SpecFile, uri: string, internalClient: MongoClient): TestRun {
  const entities: Entities = new Map();
  const kinds = entityKinds(file);
  const clients: MongoClient[] = [];
  const events = new Map<string, ObservedEvent[]>();
  for (const entity of file.createEntities ?? []) {
    const [type, spec] = Object.entries(entity)[0] as [string, Json];
    const id = String(spec["id"]);
    if (type === "client") {
      const uriOptions = { ...((spec["uriOptions"] as Json | undefined) ?? {}) };
      if ("appname" in uriOptions) {
        uriOptions["appName"] = uriOptions["appname"];
        delete uriOptions["appname"];
      }
      const observe = new Set((spec["observeEvents"] as string[] | undefined) ?? []);
      const ignored = new Set(
        ((spec["ignoreCommandMonitoringEvents"] as string[] | undefined) ?? []).map((c) => c.toLowerCase()),
      );
      ignored.add("configurefailpoint");
      const observeSensitive = spec["observeSensitiveCommands"] === true;
      const client = new MongoClient(uri, {
        ...uriOptions,
        monitorCommands: observe.size > 0,
        serverSelectionTimeoutMS: 5000,
      });
      const list: ObservedEvent[] = [];
      events.set(id, list);
      const keep = (name: string): boolean =>
        !ignored.has(name.toLowerCase()) && (observeSensitive || !SENSITIVE.has(name.toLowerCase()));
      if (observe.has("commandStartedEvent")) {
        client.on("commandStarted", (e: CommandStartedEvent) => {
          if (keep(e.commandName))
            list.push({
              type: "commandStartedEvent",
              commandName: e.commandName,
              databaseName: e.databaseName,
              command: e.command,
            });
        });
      }
      if (observe.has("commandSucceededEvent")) {
        client.on("commandSucceeded", (e: CommandSucceededEvent) => {
          if (keep(e.commandName))
            list.push({
              type: "commandSucceededEvent",
              commandName: e.commandName,
              databaseName: e.databaseName,
              reply: e.reply as Document,
            });
        });
      }
      if (observe.has("commandFailedEvent")) {
        client.on("commandFailed", (e: CommandFailedEvent) => {
          if (keep(e.commandName))
            list.push({
              type: "commandFailedEvent",
              commandName: e.commandName,
              databaseName: e.databaseName,
            });
        });
      }
      clients.push(client);
      entities.set(id, client);
    } else if (type === "database") {
      const client = entities.get(String(spec["client"])) as MongoClient;
      entities.set(
        id,
        client.db(String(spec["databaseName"]), spec["databaseOptions"] as Document | undefined),
      );
    } else if (type === "collection") {
      const db = entities.get(String(spec["database"])) as ReturnType<MongoClient["db"]>;
      entities.set(
        id,
        db.collection(String(spec["collectionName"]), spec["collectionOptions"] as Document | undefined),
      );
    } else if (type === "session") {
      const client = entities.get(String(spec["client"])) as MongoClient;
      entities.set(id, client.startSession(spec["sessionOptions"] as Document | undefined));
    }
  }
  return { entities, kinds, clients, events, state: { entities, failPoints: [], internalClient } };
}

async function loadInitialData(internal: MongoClient, data: CollectionData[] | undefined): Promise<void> {
  for (const coll of data ?? []) {
    const db = internal.db(coll.databaseName);
    await db.dropCollection(coll.collectionName).catch(() => false);
    if (coll.createOptions) await db.createCollection(coll.collectionName, coll.createOptions);
    if (coll.documents.length) {
      await db
        .collection(coll.collectionName)
        .insertMany(coll.documents, { writeConcern: { w: "majority" } });
    } else if (!coll.createOptions) {
      await db.createCollection(coll.collectionName);
    }
  }
}

function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

function checkError(expected: Json, err: unknown, entities: Entities): void {
  const e = err as MongoServerError & { result?: unknown; errorResponse?: Document };
  const isServer = err instanceof MongoServerError;
  if (expected["isClientError"] === true && isServer)
    throw new Error(`expected a client error, got server error ${describeError(err)}`);
  if (expected["isClientError"] === false && !isServer)
    throw new Error(`expected a server error, got ${describeError(err)}`);
  if (typeof expected["errorContains"] === "string") {
    const messages = [
      e.message,
      ...((e as { writeErrors?: Array<{ errmsg?: string }> }).writeErrors ?? []).map((w) => w.errmsg ?? ""),
    ];
    if (!messages.some((m) => m.toLowerCase().includes(String(expected["errorContains"]).toLowerCase()))) {
      throw new Error(
        `expected error containing "${String(expected["errorContains"])}", got ${describeError(err)}`,
      );
    }
  }
  if (expected["errorCode"] !== undefined && e.code !== expected["errorCode"]) {
    throw new Error(
      `expected error code ${String(expected["errorCode"])}, got ${String(e.code)} (${describeError(err)})`,
    );
  }
  if (
    expected["errorCodeName"] !== undefined &&
    String(e.codeName).toLowerCase() !== String(expected["errorCodeName"]).toLowerCase()
  ) {
    throw new Error(`expected codeName ${String(expected["errorCodeName"])}, got ${String(e.codeName)}`);
  }
  for (const label of (expected["errorLabelsContain"] as string[] | undefined) ?? []) {
    if (!e.hasErrorLabel?.(label)) throw new Error(`expected error label ${label}`);
  }
  for (const label of (expected["errorLabelsOmit"] as string[] | undefined) ?? []) {
    if (e.hasErrorLabel?.(label)) throw new Error(`expected no error label ${label}`);
  }
  if (expected["errorResponse"] !== undefined)
    assertMatches(expected["errorResponse"], e.errorResponse ?? e, entities, true, "errorResponse");
  if (expected["expectResult"] !== undefined)
    assertMatches(expected["expectResult"], e.result, entities, true, "error.result");
}

async function runOperation(run: TestRun, op: OperationSpec): Promise<void> {
  const kind: EntityKind =
    op.object === "testRunner" ? "testRunner" : (run.kinds.get(op.object) ?? "collection");
  const target = op.object === "testRunner" ? null : run.entities.get(op.object);
  if (op.object !== "testRunner" && target === undefined) throw new Error(`undefined entity ${op.object}`);
  let result: unknown;
  let error: unknown;
  let failed = false;
  try {
    result = await executeOperation(kind, target, op, run.state);
  } catch (err) {
    failed = true;
    error = err;
  }
  if (op.ignoreResultAndError) return;
  if (op.expectError) {
    if (!failed)
      throw new Error(`${op.name}: expected an error, got result ${EJSON.stringify(result as never)}`);
    checkError(op.expectError, error, run.entities);
    return;
  }
  if (failed) throw new Error(`${op.name}: unexpected error ${describeError(error)}`);
  if (op.expectResult !== undefined) {
    const expected = op.expectResult;
    if (
      Array.isArray(expected) &&
      Array.isArray(result) &&
      op.name !== "distinct" &&
      op.name !== "listCollectionNames" &&
      op.name !== "listDatabaseNames"
    ) {
      // Iterable results: each document is matched as a root-level document.
      if (expected.length !== result.length) {
        throw new Error(
          `${op.name}: expected ${expected.length} documents ${EJSON.stringify(expected as never)}, got ${result.length} ${EJSON.stringify(result as never)}`,
        );
      }
      expected.forEach((doc, i) => assertMatches(doc, result[i], run.entities, true, `${op.name}[${i}]`));
    } else {
      assertMatches(expected, result, run.entities, true, op.name);
    }
  }
  if (op.saveResultAsEntity) {
    run.entities.set(op.saveResultAsEntity, result);
    if (op.name === "createFindCursor") run.kinds.set(op.saveResultAsEntity, "cursor");
  }
}

function checkEvents(test: SpecTest, run: TestRun): void {
  for (const expected of test.expectEvents ?? []) {
    const actual = run.events.get(expected.client) ?? [];
    const label = `events for ${expected.client}`;
    if (
      expected.ignoreExtraEvents
        ? actual.length < expected.events.length
        : actual.length !== expected.events.length
    ) {
      throw new Error(
        `${label}: expected ${expected.events.length} events, observed ${actual.length}: ${actual.map((e) => `${e.type}(${e.commandName})`).join(", ")}`,
      );
    }
    expected.events.forEach((event, i) => {
      const [type, spec] = Object.entries(event)[0] as [string, Json];
      const got = actual[i]!;
      if (got.type !== type)
        throw new Error(`${label}[${i}]: expected ${type}, observed ${got.type}(${got.commandName})`);
      if (spec["commandName"] !== undefined && spec["commandName"] !== got.commandName) {
        throw new Error(
          `${label}[${i}]: expected command ${String(spec["commandName"])}, observed ${got.commandName}`,
        );
      }
      if (spec["databaseName"] !== undefined && spec["databaseName"] !== got.databaseName) {
        throw new Error(
          `${label}[${i}]: expected database ${String(spec["databaseName"])}, observed ${got.databaseName}`,
        );
      }
      if (spec["command"] !== undefined)
        assertMatches(spec["command"], got.command, run.entities, true, `${label}[${i}].command`);
      if (spec["reply"] !== undefined)
        assertMatches(spec["reply"], got.reply, run.entities, true, `${label}[${i}].reply`);
    });
  }
}

async function checkOutcome(internal: MongoClient, outcome: CollectionData[] | undefined): Promise<void> {
  for (const coll of outcome ?? []) {
    const docs = await internal
      .db(coll.databaseName)
      .collection(coll.collectionName)
      .find({}, { sort: { _id: 1 } })
      .toArray();
    assertSameDocuments(coll.documents, docs, `outcome ${coll.databaseName}.${coll.collectionName}`);
  }
}

/** Runs one test; throws with a descriptive message when it fails. */
export async function runSpecTest(
  file: SpecFile,
  test: SpecTest,
  uri: string,
  internal: MongoClient,
): Promise<void> {
  await loadInitialData(internal, file.initialData);
  const run = createEntities(file, uri, internal);
  try {
    for (const op of test.operations) await runOperation(run, op);
    for (const client of run.clients)
      client
        .removeAllListeners("commandStarted")
        .removeAllListeners("commandSucceeded")
        .removeAllListeners("commandFailed");
    checkEvents(test, run);
    await checkOutcome(internal, test.outcome);
  } finally {
    for (const fp of run.state.failPoints) {
      await fp.client
        .db("admin")
        .command({ configureFailPoint: fp.name, mode: "off" })
        .catch(() => undefined);
    }
    for (const [, value] of run.entities) {
      if (value && typeof (value as { endSession?: unknown }).endSession === "function")
        await (value as { endSession(): Promise<void> }).endSession();
    }
    await Promise.all(run.clients.map((c) => c.close(true)));
  }
}
