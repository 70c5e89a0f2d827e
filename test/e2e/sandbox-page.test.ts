// The sandbox page in a real browser (headless Debian Chromium driven by playwright-core), the way a
// developer or a demo uses it: a customer orders on the phone, an approver approves from the card in
// the Slack pane and the customer reads the confirmation; a silent customer is nudged after +6m; an
// admin disables an automation from the command box. Every pane updates by itself (no reload).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEntry, type EntryProcess } from "../support/entry-process.js";

const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const SHOTS = path.resolve("test-results");
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
  mkdirSync(SHOTS, { recursive: true });
  sandbox = startEntry("sandbox/main.ts", {
    SANDBOX_DATA_DIR: dataDir,
    SANDBOX_PORT: "0",
    LOG_LEVEL: "warn",
    // Always open, so the nudge is not held for business hours whatever time the test runs.
    BUSINESS_HOURS: "00:00-24:00",
    BUSINESS_DAYS: "mon-sun",
  });
  url = (await sandbox.waitFor(/Sandbox ready: (http:\/\/\S+?)\/?\s/))[1]!;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
    ],
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

async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url);
  await page.locator("#health.ok").waitFor({ timeout: 20_000 });
  return { page, errors };
}

/** Writes as the customer and waits until the bot has answered (more bot bubbles than before). */
async function say(page: Page, text: string): Promise<void> {
  const answers = page.locator("#messages .msg.out");
  const before = await answers.count();
  await page.fill("#text", text);
  await page.click("#send button[type=submit]");
  await page.locator("#messages .msg.in", { hasText: text }).last().waitFor({ timeout: 10_000 });
  await expect.poll(() => answers.count(), { timeout: 30_000, interval: 200 }).toBeGreaterThan(before);
  // The bot may answer in several messages and steps: a person reads them all before answering.
  await expect.poll(busyRuns, { timeout: 30_000, interval: 200 }).toBe(0);
}

/** Runs the engine has queued or is running, as the runs pane lists them. */
async function busyRuns(): Promise<number> {
  let busy = 0;
  for (const status of ["queued", "running"]) {
    const res = await fetch(`${url}/sandbox/runs?status=${status}`);
    busy += ((await res.json()) as { runs: unknown[] }).runs.length;
  }
  return busy;
}

/** The customer gives their details, picks the first offer and confirms it: an order waits for approval. */
async function placeOrder(page: Page, phone: string, name: string, fullName: string): Promise<void> {
  await page.fill("#phone", phone);
  await page.fill("#name", name);
  await say(
    page,
    `Hola, me llamo ${fullName}, mi teléfono es ${phone.slice(1)}, mi dirección es Calle Juarez 123, ciudad: Monterrey`,
  );
  await page.locator("#chats .chat", { hasText: name }).waitFor({ timeout: 5_000 });
  await say(page, "1");
  await say(page, "si");
}

describe("sandbox page", () => {
  it("a customer orders on the phone, an approver approves from the card, the customer reads the confirmation", async () => {
    const { page, errors } = await openPage();
    expect((await page.locator("header").innerText()).replace(/\s+/g, " ")).toContain(
      "not production services",
    );
    await page.selectOption("#user", { label: "april.approver (approver)" });
    await page.click("#channels .channel[data-channel=approvals]");

    await placeOrder(page, "+5215550042", "Ana", "Ana Lopez");

    // The card arrives in the Slack pane by itself, rendered from its blocks.
    const card = page.locator("#slack-messages .slack-msg", { hasText: "Ana Lopez" });
    await card.waitFor({ timeout: 30_000 });
    await expect.poll(() => card.locator(".blk-fields").innerText()).toContain("Monterrey");
    await page.locator(".run", { hasText: "approval" }).first().waitFor({ timeout: 10_000 });
    await expect
      .poll(() => page.locator("#runs").innerText(), { timeout: 10_000 })
      .toMatch(/waiting for order\/decided|sleeping until/);
    await page.screenshot({ path: path.join(SHOTS, "sandbox-page-card.png") });

    // The button asks first (its confirm dialog), then approves.
    await card.locator("button[data-action=order_approve]").click();
    await page.locator("#confirm.open").waitFor();
    expect(await page.locator("#confirm-title").innerText()).toBe("Approve this order?");
    await page.click("#confirm-ok");

    await page.locator("#messages .msg.out", { hasText: "está confirmado" }).waitFor({ timeout: 30_000 });
    await expect.poll(() => card.innerText(), { timeout: 10_000 }).toMatch(/Approved by/i);
    expect(await card.locator("button[data-action=order_approve]").count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, "sandbox-page-approved.png") });
    expect(await page.locator("#error").textContent()).toBe("");
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it("a plain member is refused at the card; an approver rejects with a reason in the modal and the customer reads it", async () => {
    const { page, errors } = await openPage();
    await page.click("#channels .channel[data-channel=approvals]");
    await placeOrder(page, "+5215550043", "Beto", "Beto Ruiz");
    const card = page.locator("#slack-messages .slack-msg", { hasText: "Beto Ruiz" });
    await card.waitFor({ timeout: 30_000 });

    await page.selectOption("#user", { label: "max.member (member)" });
    await card.locator("button[data-action=order_reject]").click();
    await page
      .locator("#slack-messages .ephemeral", { hasText: "not authorized" })
      .waitFor({ timeout: 20_000 });
    expect(await page.locator("#modal.open").count()).toBe(0);

    await page.selectOption("#user", { label: "april.approver (approver)" });
    await card.locator("button[data-action=order_reject]").click();
    await page.locator("#modal.open").waitFor({ timeout: 20_000 });
    expect(await page.locator("#modal-title").innerText()).toBe("Reject order");
    await page.fill("#modal-body textarea", "no entregamos en esa zona todavía");
    await page.screenshot({ path: path.join(SHOTS, "sandbox-page-reject-modal.png") });
    await page.click("#modal-submit");

    await page
      .locator("#messages .msg.out", { hasText: "Motivo: no entregamos" })
      .waitFor({ timeout: 30_000 });
    await expect.poll(() => card.innerText(), { timeout: 10_000 }).toMatch(/Rejected by/);
    expect(await page.locator("#modal.open").count()).toBe(0);
    expect(await page.locator("#error").textContent()).toBe("");
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it("a silent customer is nudged after +6m", async () => {
    const { page, errors } = await openPage();
    // The runs pane shows the customer's data-collection timer waiting for an answer.
    const timers = page.locator(".run.waiting[data-function$=data-collection-timer]", {
      hasText: "waiting for whatsapp/message.received",
    });
    await page.locator("#runs").waitFor();
    const timersBefore = await timers.count();
    await page.fill("#phone", "+5215550077");
    await page.fill("#name", "Luis");
    await say(page, "hola");
    await expect.poll(() => timers.count(), { timeout: 20_000 }).toBeGreaterThan(timersBefore);
    const answers = page.locator("#messages .msg.out");
    await answers.filter({ hasText: "me falta tu nombre" }).waitFor({ timeout: 20_000 });
    const clockBefore = await page.locator("#engine-time").innerText();

    const before = await answers.count();
    await page.click("button[data-ms='360000']");
    await expect.poll(() => answers.count(), { timeout: 30_000, interval: 250 }).toBeGreaterThan(before);
    expect(await answers.last().textContent()).toMatch(/nombre/);
    // The engine's time shown is six minutes ahead of the wall clock now.
    await expect
      .poll(async () => Number(await page.locator("#engine-time").getAttribute("data-offset-ms")), {
        timeout: 15_000,
      })
      .toBeGreaterThanOrEqual(6 * 60_000 - 5_000);
    expect(await page.locator("#engine-time").innerText()).not.toBe(clockBefore);
    await page.screenshot({ path: path.join(SHOTS, "sandbox-page-nudge.png") });
    expect(await page.locator("#error").textContent()).toBe("");
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("an admin disables an automation from the command box", async () => {
    const { page, errors } = await openPage();
    await page.selectOption("#user", { label: "ada.admin (admin)" });
    await page.fill("#command", "/automation disable tag-wholesale-interest");
    await page.press("#command", "Enter");
    const shown = page.locator("#slack-messages .ephemeral");
    // The command as typed, then the app's answer: the automation is off.
    await expect
      .poll(() => shown.last().innerText(), { timeout: 20_000 })
      .toMatch(/tag-wholesale-interest.*disabled|disabled.*tag-wholesale-interest/s);
    expect(await shown.filter({ hasText: "/automation disable tag-wholesale-interest" }).count()).toBe(1);

    await page.fill("#command", "/automation status tag-wholesale-interest");
    await page.press("#command", "Enter");
    await expect
      .poll(() => shown.last().innerText(), { timeout: 20_000 })
      .toMatch(/disabled by @?ada\.admin/);
    await page.screenshot({ path: path.join(SHOTS, "sandbox-page-command.png") });

    // A plain member is refused the same command.
    await page.selectOption("#user", { label: "max.member (member)" });
    await page.fill("#command", "/automation enable tag-wholesale-interest");
    await page.press("#command", "Enter");
    await expect
      .poll(() => page.locator("#slack-messages .ephemeral").last().innerText(), { timeout: 20_000 })
      .not.toMatch(/enabled by/);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
