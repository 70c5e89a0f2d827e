// ARCHITECTURE rule 2: code of an Inngest handler outside `step.run` runs again on every request, so
// it must be deterministic. The clock is the usual slip: inside a handler, every `clock.*()` read
// must sit in a `step.run` callback (whose result is memoized), never in the handler's own code.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const FOLDERS = ["worker/agent", "worker/timers", "worker/outbound", "worker/optout"];

/** `clock.x(...)` calls inside a createFunction handler but outside any step.run callback. */
function clockReadsOutsideSteps(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const isCallOf = (node: ts.Node, object: string, method: string) =>
    ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(node.expression) &&
    node.expression.name.text === method &&
    node.expression.expression.getText(source) === object;
  const visit = (node: ts.Node, inHandler: boolean, inStep: boolean): void => {
    if (inHandler && !inStep && ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      if (node.expression.expression.getText(source) === "clock") {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
        found.push(`${file}:${line + 1} ${node.getText(source)}`);
      }
    }
    if (ts.isCallExpression(node) && node.expression.getText(source).endsWith("createFunction")) {
      const [options, handler] = node.arguments;
      if (options) visit(options, inHandler, inStep);
      if (handler) visit(handler, true, false);
      return;
    }
    if (isCallOf(node, "step", "run")) {
      ts.forEachChild(node, (child) => visit(child, inHandler, true));
      return;
    }
    ts.forEachChild(node, (child) => visit(child, inHandler, inStep));
  };
  visit(source, false, false);
  return found;
}

describe("Inngest handlers of the agent and the timers", () => {
  it("read the clock only inside steps", () => {
    const files = FOLDERS.flatMap((folder) =>
      readdirSync(folder)
        .filter((name) => name.endsWith(".ts"))
        .map((name) => join(folder, name)),
    );
    const handlers = files.filter((f) => readFileSync(f, "utf8").includes("createFunction("));
    expect(handlers.length).toBeGreaterThanOrEqual(3);
    expect(handlers.flatMap(clockReadsOutsideSteps)).toEqual([]);
  });
});
