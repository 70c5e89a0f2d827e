import { defineConfig } from "vitest/config";

/**
 * The fast half (`npm run test:unit`): pure rules and in-memory code, no servers, child processes or
 * databases. Every other test file is an integration test; a new file is one until it is listed here.
 */
const UNIT = [
  "test/shared/domain/**/*.test.ts",
  "test/shared/{config,events,logger,phone,inngest-catalogue}.test.ts",
  "test/sandbox/engine/{parent-watch,protocol,rules}.test.ts",
  "test/sandbox/mongo/unified-{match,runner}.test.ts",
  "test/sandbox/phones/phones-transport.test.ts",
  "test/worker/agent/{plan-decision,brain-context,cost,debounce,price-guard,replay-determinism,rules-brain,tools,turn-plan}.test.ts",
  "test/worker/gateway/normalize.test.ts",
  "test/worker/optout/keywords.test.ts",
  "test/worker/gateway/wwebjs/{backoff,message}.test.ts",
  "test/worker/outbound/send-budget.test.ts",
  "test/worker/timers/silence.test.ts",
];

const ALL = "test/**/*.test.ts";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // 2-core machines: keep parallel files bounded so servers started per file stay fast.
    maxWorkers: 2,
    reporters: ["default", "./test/support/summary-reporter.ts"],
    // `npm test` runs both; `vitest run --project unit` (npm run test:unit) the fast half only.
    projects: [
      // Unit files share one module instance per worker instead of a fresh one each (several times
      // faster); they may change module state (the clock) only if they put it back.
      { extends: true, test: { name: "unit", include: UNIT, isolate: false } },
      { extends: true, test: { name: "integration", include: [ALL], exclude: UNIT } },
    ],
  },
});
