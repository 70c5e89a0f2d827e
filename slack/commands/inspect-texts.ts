// What `/automation runs` and `/automation test` say: the run history and the dry run, in words. Pure.
import type { DryRun, RecentRuns } from "../../shared/db/index.js";

const ICON: Record<string, string> = {
  succeeded: "✅",
  failed: "❌",
  skipped: "⏭",
  pending: "·",
  running: "⏳",
  stopped: "⏹",
  cancelled: "🚫",
  loop: "🔁",
  not_matched: "➖",
  rate_limited: "🐢",
};

export function formatRecentRuns(result: RecentRuns): string {
  if (!result.found) return `No automation named "${result.name}".`;
  const head = `*${result.name}* (${result.enabled ? "enabled" : "disabled"})`;
  if (result.runs.length === 0) return `${head}: no runs yet.`;
  const lines = [`${head}: last ${result.runs.length} run${result.runs.length === 1 ? "" : "s"}`];
  for (const run of result.runs) {
    const why = run.reason ?? run.failedCondition ?? run.error;
    lines.push(
      `${ICON[run.status] ?? ""} ${run.startedAt.replace("T", " ").slice(0, 19)} ${run.status} on ${run.triggerEvent}` +
        `${run.depth > 0 ? ` (cascade depth ${run.depth})` : ""}${why ? ` — ${why}` : ""}`,
    );
    for (const a of run.actions) {
      const what = a.error ?? a.detail;
      lines.push(
        `    ${a.index + 1}. ${a.type}: ${a.status}${what ? ` — ${what}` : ""}${a.ms !== undefined ? ` (${a.ms} ms)` : ""}`,
      );
    }
  }
  return lines.join("\n");
}

export function formatDryRun(result: DryRun): string {
  if (!result.ok) return result.error;
  const lines = [
    `Dry run of *${result.automation}* (${result.enabled ? "enabled" : "disabled"}) for ${result.phone} — nothing was done.`,
    `Trigger ${result.trigger.type}: ${result.trigger.matches ? "matches" : "does not match"} (${result.trigger.note})`,
    `Conditions: ${result.conditions.matched ? "met" : `not met — ${result.conditions.failed}`}`,
    result.wouldRun
      ? "It would do:"
      : `It would not run${result.enabled ? "" : " (disabled)"}; if it did, it would do:`,
    ...result.actions.map((a) => `    ${a.index + 1}. ${a.type}: ${a.would}`),
  ];
  return lines.join("\n");
}
