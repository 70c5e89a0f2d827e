// The sandbox page in a real browser (headless Debian Chromium driven by playwright-core), the way a
// developer or a demo uses it: write as a customer, read the bot's answer, move the engine's clock
// six minutes forward and see the nudge a silent customer gets.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEntry, type EntryProcess } from "../support/entry-process.js";

const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const dataDir = mkdtempSync(path.join(tmpdir(), "sandbox-page-"));
let sandbox: EntryProcess;
let url: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `browser tests need Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`,
    );
  }
  sandbox = startEntry("sandbox/main.ts", {
    SANDBOX_DATA_DIR: dataDir,
    PORT: "0",
    WORKER_PORT: "0",
    SANDBOX_PORT: "0",
    INNGEST_ENGINE_PORT: "0",
    LOG_LEVEL: "warn",
    // Always open, so the nudge is not held for business hours whatever time the test runs.
    BUSINESS_HOURS: "00:00-24:00",
    BUSINESS_DAYS: "mon-sun",
  });
  url = (await sandbox.waitFor(/Sandbox ready: (http:\/\/\S+?)\/?\s/))[1]!;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (sandbox && sandbox.child.exitCode === null) {
    sandbox.child.kill("SIGINT");
    await sandbox.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe("sandbox page", () => {
  it("lets you write as a customer, shows the answer, and shows the nudge after +6m", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));

    await page.goto(url);
    expect((await page.locator("header").innerText()).replace(/\s+/g, " ")).toContain(
      "not production services",
    );
    await page.fill("#phone", "+5215550077");
    await page.fill("#name", "Luis");
    await page.fill("#text", "hola");
    await page.click("#send button[type=submit]");

    const answers = page.locator(".msg.out");
    await answers.filter({ hasText: "me falta tu nombre" }).waitFor({ timeout: 20_000 });
    await page.locator("#chats .chat", { hasText: "Luis" }).waitFor({ timeout: 5_000 });
    await page.locator(".run", { hasText: "handle-message" }).first().waitFor({ timeout: 10_000 });

    const before = await answers.count();
    await page.click("button[data-ms='360000']");
    await expect
      .poll(async () => answers.count(), { timeout: 20_000, interval: 250 })
      .toBeGreaterThan(before);
    expect(await answers.last().textContent()).toMatch(/nombre/);
    expect(await page.locator("#error").textContent()).toBe("");
    expect(errors).toEqual([]);
  }, 60_000);
});
