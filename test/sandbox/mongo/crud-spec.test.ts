// MongoDB's own unified-format CRUD tests, run through the real driver against the embedded server
// (or MONGODB_URI). Tests the runner cannot run are reported as skipped with the reason in their name.
import fs from "node:fs";
import path from "node:path";
import { MongoClient } from "mongodb";
import { afterAll, describe, it } from "vitest";
import { startEmbeddedMongo, type EmbeddedMongo } from "../../../sandbox/mongo/index.js";
import { describeServer, loadSpecFile, runSpecTest, skipReason } from "./unified-runner.js";

const repoRoot = path.resolve(import.meta.dirname, "../../..");
const specDir = path.resolve(repoRoot, process.env["MONGO_SPEC_DIR"] ?? "../shared/spec-tests/mongodb-crud");
const files = fs.existsSync(specDir)
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

if (files.length === 0) {
  it.skip(`no unified CRUD spec files found in ${specDir} (set MONGO_SPEC_DIR)`, () => {});
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
