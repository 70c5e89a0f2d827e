import { describe, expect, test } from "vitest";
import { chainBroken, linksToWatch } from "../../../sandbox/engine/parent-watch.js";

// When the standalone engine decides that whoever started it is gone (and so it must exit).
const procs: Record<number, { ppid: number; comm: string }> = {
  10: { ppid: 1, comm: "bash" },
  20: { ppid: 10, comm: "npm run engine" },
  30: { ppid: 20, comm: "sh" },
};
const info = (pid: number) => procs[pid];

describe("parent watch", () => {
  test("under npm's `sh -c` it watches the shell's parent too; under another process only its parent", () => {
    expect(linksToWatch({ pid: 40, ppid: 30 }, info)).toEqual([
      { pid: 40, ppid: 30 },
      { pid: 30, ppid: 20 },
    ]);
    expect(linksToWatch({ pid: 40, ppid: 20 }, info)).toEqual([{ pid: 40, ppid: 20 }]);
  });

  test("the chain breaks when we are re-parented, or when the shell is (npm died)", () => {
    const links = [
      { pid: 40, ppid: 30 },
      { pid: 30, ppid: 20 },
    ];
    expect(chainBroken(links, info, 40, 30)).toBe(false);
    expect(chainBroken(links, info, 40, 1)).toBe(true);
    expect(chainBroken(links, (pid) => (pid === 30 ? { ppid: 1 } : info(pid)), 40, 30)).toBe(true);
    expect(chainBroken(links, (pid) => (pid === 30 ? undefined : info(pid)), 40, 30)).toBe(true);
  });
});
