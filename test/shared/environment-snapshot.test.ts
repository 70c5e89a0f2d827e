import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { useEnvironmentSnapshot } from "../../shared/inngest.js";

// npm start swaps process.env for a plain copy (the SDK reads the whole environment on every
// request). What the product and its child processes see must not change.
const live = process.env;
afterEach(() => {
  process.env = live;
});

describe("useEnvironmentSnapshot", () => {
  it("keeps every variable, and what is set afterwards reaches child processes", () => {
    const before = { ...process.env };
    useEnvironmentSnapshot();
    expect(process.env).not.toBe(live);
    expect({ ...process.env }).toEqual(before);
    process.env["SNAPSHOT_PROBE"] = "set after the snapshot";
    const seen = execFileSync(
      process.execPath,
      ["-e", "process.stdout.write(process.env.SNAPSHOT_PROBE ?? '')"],
      {
        encoding: "utf8",
      },
    );
    expect(seen).toBe("set after the snapshot");
  });
});
