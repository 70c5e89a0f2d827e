// MongoDB's own unified-format CRUD tests, run through the real driver against the embedded server
// (or MONGODB_URI). Tests the runner cannot run are reported as skipped with the reason in their name.
// The spec folder must exist (CI has ../shared beside the repo): a missing folder fails this file, so
// CI cannot pass without the conformance tests. Opt out explicitly with MONGO_SPEC_DIR=none.
import fs from "node:fs";
import path from "node:path";
import { MongoClient } from "mongodb";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedMongo, type EmbeddedMongo } from "../../../sandbox/mongo/index.js";
import { describeServer, loadSpecFile, runSpecTest, skipReason } from "./unified-runner.js";

const repoRoot = path.resolve(import.meta.dirname, "../../..");
const SPEC_OPT_OUT = "none";
const specSetting = process.env["MONGO_SPEC_DIR"]?.trim() || "../shared/spec-tests/mongodb-crud";
const optedOut = specSetting.toLowerCase() === SPEC_OPT_OUT;
const specDir = path.resolve(repoRoot, specSetting);
const files =
  !optedOut && fs.existsSync(specDir)
    ? fs
        .readdirSync(specDir)
        .filter((f) => f.endsWith(".json"))
        .sort()
    : [];

const realUri = process.env["MONGODB_URI"];
const embedded: EmbeddedMongo | null = realUri ? null : await startEmbeddedMongo({ quiet: true });
const uri = realUri ?? embedded!.uri;
const internal = new MongoClient(uri);
await internal.connect();
const server = await describeServer(internal);

const skipped: string[] = [];
const failed: string[] = [];
let passed = 0;

afterAll(async () => {
  await internal.close();
  await embedded?.stop();
  const lines = [
    `CRUD spec summary (${realUri ? "MONGODB_URI" : "embedded server"}, ${specDir}): ${passed} passed, ${failed.length} failed, ${skipped.length} skipped`,
    ...failed.map((f) => `  FAILED  ${f}`),
    ...skipped.map((s) => `  SKIPPED ${s}`),
  ];
  console.log(lines.join("\n"));
});

if (optedOut) {
  it.skip("CRUD conformance tests turned off (MONGO_SPEC_DIR=none)", () => {});
} else if (files.length === 0) {
  it("finds MongoDB's unified CRUD spec files", () => {
    expect.fail(
      `no unified CRUD spec files (*.json) in ${specDir}: put the spec folder there, point MONGO_SPEC_DIR at it, ` +
        `or set MONGO_SPEC_DIR=${SPEC_OPT_OUT} to skip the conformance tests on purpose`,
    );
  });
}

for (const name of files) {
  const file = loadSpecFile(path.join(specDir, name));
  describe(name, () => {
    for (const test of file.tests) {
      const reason = skipReason(file, test, server);
      if (reason) {
        skipped.push(`${name} > ${test.description}: ${reason}`);
        it.skip(`${test.description} [skipped: ${reason}]`, () => {});
        continue;
      }
      it(test.description, async () => {
        try {
          await runSpecTest(file, test, uri, internal);
          passed++;
        } catch (err) {
          failed.push(`${name} > ${test.description}: ${err instanceof Error ? err.message : String(err)}`);
          throw err;
        }
      });
    }
  });
}
