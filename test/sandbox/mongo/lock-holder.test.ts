// Who holds an embedded MongoDB data directory: a live process that wrote the lock does; a process
// that is gone, a zombie, or a later process that reused the pid does not.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lockHolderIsRunning, lockOwnerLine, parseLockOwner } from "../../../sandbox/mongo/lock-holder.js";

const stateOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
};

describe("the embedded MongoDB's lock holder", () => {
  it("is this process while it runs, by the line it writes", () => {
    const owner = parseLockOwner(lockOwnerLine());
    expect(owner.pid).toBe(process.pid);
    expect(lockHolderIsRunning(owner)).toBe(true);
  });

  it("is nobody when the pid now belongs to a process that started later (pid reuse)", () => {
    expect(lockHolderIsRunning({ pid: process.pid, startTime: "1" })).toBe(false);
  });

  it("is nobody for a pid that is gone or not a pid", async () => {
    const child = spawn("true");
    await new Promise((resolve) => child.once("exit", resolve));
    expect(lockHolderIsRunning(parseLockOwner(String(child.pid)))).toBe(false);
    expect(lockHolderIsRunning(parseLockOwner("not-a-pid"))).toBe(false);
  });

  it("is nobody for a zombie (a killed process its parent has not reaped yet)", async () => {
    const parent = spawn("sh", ["-c", "sleep 0.2 & echo $!; exec sleep 30"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    try {
      const pid = await new Promise<number>((resolve) =>
        parent.stdout!.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
      );
      await expect.poll(() => stateOf(pid), { timeout: 5_000 }).toBe("Z");
      expect(lockHolderIsRunning({ pid })).toBe(false);
    } finally {
      parent.kill("SIGKILL");
    }
  });
});
