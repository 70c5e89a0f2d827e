// The docs generated from the settings table: `.env.example` and the configuration table in README.md
// (a test keeps both identical to what these render).
import { settingEntries, type Group } from "./settings.js";

/**
 * The text of `.env.example`, generated from the settings table so the two cannot drift (a test compares
 * them). Regenerate: npx tsx -e 'import("./shared/config/index.ts").then((m) => process.stdout.write(m.renderEnvExample()))' > .env.example
 */
export function renderEnvExample(): string {
  const lines = [
    "# Every setting of the sales bot, with its default. Copy to .env (or set real environment variables;",
    "# those win over .env). With no variables at all, `npm start` runs the sandbox: embedded MongoDB stand-in,",
    "# local Inngest engine, simulated WhatsApp phones, offline rules brain; Slack stays off without its keys.",
    "# An empty value means unset. Durations take a unit: 500ms, 2s, 6m, 24h, 1h30m, 7d.",
  ];
  let group: Group | undefined;
  for (const [name, s] of settingEntries) {
    if (s.group !== group) {
      group = s.group;
      lines.push("", `# ---- ${group} ----`);
    }
    lines.push(`# ${s.doc}${s.secret ? " (secret)" : ""}`);
    lines.push(`${name}=${s.default ?? ""}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The configuration table README.md shows (a test keeps the two identical). */
export function renderConfigTable(): string {
  const rows = ["| variable | default | what it sets |", "| --- | --- | --- |"];
  for (const [name, s] of settingEntries) {
    const doc = s.doc.replaceAll("|", "\\|") + (s.secret ? " (secret)" : "");
    rows.push(`| \`${name}\` | ${s.default ? `\`${s.default}\`` : "unset"} | ${doc} |`);
  }
  return `${rows.join("\n")}\n`;
}
