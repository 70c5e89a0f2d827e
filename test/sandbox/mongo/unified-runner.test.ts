// The conformance runner reports what it cannot run as skipped, with the reason, instead of passing it.
import { describe, expect, it } from "vitest";
import { skipReason, type ServerInfo, type SpecFile, type SpecTest } from "./unified-runner.js";

const server: ServerInfo = { version: [7, 0, 0], topology: "single", auth: false };

function file(tests: SpecTest[], extra: Partial<SpecFile> = {}): SpecFile {
  return {
    description: "synthetic",
    schemaVersion: "1.0",
    createEntities: [
      { client: { id: "client0" } },
      { collection: { id: "collection0", database: "db0", collectionName: "c" } },
    ],
    tests,
    ...extra,
  };
}

const op = (name: string, object = "collection0") => ({ name, object });

describe("skipReason", () => {
  it("runs supported operations on a matching server", () => {
    const t: SpecTest = { description: "t", operations: [op("insertOne"), op("find")] };
    expect(skipReason(file([t]), t, server)).toBeNull();
  });

  it("names unsupported operations, entities and event types", () => {
    const watch: SpecTest = { description: "t", operations: [op("createChangeStream")] };
    expect(skipReason(file([watch]), watch, server)).toMatch(/createChangeStream not supported/);
    const bucket = file([watch], { createEntities: [{ bucket: { id: "b" } }] });
    expect(skipReason(bucket, watch, server)).toMatch(/entity type bucket/);
    const cmap: SpecTest = {
      description: "t",
      operations: [op("find")],
      expectEvents: [{ client: "client0", eventType: "cmap", events: [] }],
    };
    expect(skipReason(file([cmap]), cmap, server)).toMatch(/cmap not supported/);
  });

  it("skips tests whose runOnRequirements this server does not meet, and says which", () => {
    const old: SpecTest = {
      description: "t",
      operations: [op("find")],
      runOnRequirements: [{ maxServerVersion: "4.2.99" }],
    };
    expect(skipReason(file([old]), old, server)).toMatch(/needs server <= 4.2.99/);
    const rs: SpecTest = {
      description: "t",
      operations: [op("find")],
      runOnRequirements: [{ topologies: ["replicaset"] }],
    };
    expect(skipReason(file([rs]), rs, server)).toMatch(/needs topology replicaset/);
    const either: SpecTest = {
      description: "t",
      operations: [op("find")],
      runOnRequirements: [{ topologies: ["sharded"] }, { minServerVersion: "4.0" }],
    };
    expect(skipReason(file([either]), either, server)).toBeNull();
  });
});
