import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  buildClientOptions,
  clearStaleProfileLocks,
  createWwebjsClient,
  sessionDir,
} from "../../../../worker/gateway/wwebjs/client.js";

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "wwebjs-test-"));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe("clearStaleProfileLocks", () => {
  it("removes Chromium's Singleton files (even a dangling lock symlink) and keeps the session", async () => {
    const profile = path.join(await tempDir(), "session-acct");
    await mkdir(path.join(profile, "Default"), { recursive: true });
    await symlink("old-host-12345", path.join(profile, "SingletonLock")); // dangles, as after kill -9
    await writeFile(path.join(profile, "SingletonCookie"), "x");
    await symlink("/tmp/nowhere/socket", path.join(profile, "SingletonSocket"));
    await writeFile(path.join(profile, "Local State"), "{}");

    const removed = await clearStaleProfileLocks(profile);

    expect(removed.sort()).toEqual(["SingletonCookie", "SingletonLock", "SingletonSocket"]);
    expect((await readdir(profile)).sort()).toEqual(["Default", "Local State"]);
  });

  it("does nothing when there is no profile yet", async () => {
    expect(await clearStaleProfileLocks(path.join(await tempDir(), "missing"))).toEqual([]);
  });
});

describe("whatsapp-web.js client options", () => {
  it("runs Debian's Chromium headless with root-container flags and puppeteer's signal handlers off", () => {
    const options = buildClientOptions({ clientId: "acct", authDir: "/data/wwebjs" });
    expect(options.puppeteer).toMatchObject({
      executablePath: "/usr/bin/chromium",
      headless: true,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    expect(options.puppeteer?.args).toEqual(
      expect.arrayContaining([
        "--no-sandbox",
        "--disable-setuid-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
      ]),
    );
  });

  it("takes the Chromium path from the options", () => {
    const options = buildClientOptions({ clientId: "acct", authDir: "/x", chromiumPath: "/opt/chrome" });
    expect(options.puppeteer?.executablePath).toBe("/opt/chrome");
  });

  it("builds a real Client with LocalAuth in <authDir>/session-<clientId>, without launching anything", async () => {
    const authDir = await tempDir();
    const client = (await createWwebjsClient({ clientId: "acct-1", authDir })) as unknown as {
      authStrategy: { constructor: { name: string }; dataPath: string; clientId: string };
      pupBrowser?: unknown;
    };
    expect(client.authStrategy.constructor.name).toBe("LocalAuth");
    expect(client.authStrategy.dataPath).toBe(authDir);
    expect(client.authStrategy.clientId).toBe("acct-1");
    expect(client.pupBrowser).toBeFalsy();
    expect(sessionDir({ clientId: "acct-1", authDir })).toBe(path.join(authDir, "session-acct-1"));
  });

  it("rejects an account id LocalAuth cannot use", async () => {
    await expect(createWwebjsClient({ clientId: "acct 1/..", authDir: "/tmp" })).rejects.toThrow(RangeError);
  });
});
