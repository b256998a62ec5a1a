/**
 * Real-browser tests: Debian's Chromium driven by playwright-core, offline. Every request the page
 * makes to anything but this machine's loopback is refused and recorded, so a test can require that
 * nothing was fetched from elsewhere. Screenshots go to test-artifacts/screenshots/ (gitignored).
 *
 *   const browser = await openBrowser();
 *   const page = await browser.newPage();
 *   await page.goto(`${url}/docs`);
 *   await browser.screenshot(page, "docs");
 *   expect(browser.offsiteRequests()).toEqual([]);
 *   await browser.close();
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, type Page, chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
/** The flags of a quiet, offline, throwaway Chromium (DEVELOPERS.md / README "Tests"). */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
export const SCREENSHOT_DIR = fileURLToPath(new URL("../../test-artifacts/screenshots/", import.meta.url));

/** Run browser tests when Chromium is installed; in CI (`.ci/run` installs it) they must run. */
export const hasChromium = (): boolean => existsSync(CHROMIUM) || process.env["CI"] === "true";

export interface TestBrowser {
  newPage(): Promise<Page>;
  /** Saves a PNG of the viewport (or the whole page) as test-artifacts/screenshots/<name>.png; returns its path. */
  screenshot(page: Page, name: string, options?: { fullPage?: boolean }): Promise<string>;
  /** URLs the pages tried to load from anywhere but loopback (refused). */
  offsiteRequests(): string[];
  /** Uncaught errors and console errors of every page. */
  pageErrors(): string[];
  readonly context: BrowserContext;
  close(): Promise<void>;
}

const isLoopback = (url: string): boolean => {
  try {
    const { protocol, hostname } = new URL(url);
    if (protocol === "data:" || protocol === "blob:" || protocol === "about:") return true;
    return ["127.0.0.1", "localhost", "[::1]"].includes(hostname);
  } catch {
    return false;
  }
};

export async function openBrowser(options: { extraHTTPHeaders?: Record<string, string> } = {}): Promise<TestBrowser> {
  // A fresh profile per browser: nothing cached or remembered between tests.
  const profile = mkdtempSync(join(tmpdir(), "launch-local-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 900 },
    ...(options.extraHTTPHeaders ? { extraHTTPHeaders: options.extraHTTPHeaders } : {}),
  });
  const offsite: string[] = [];
  const errors: string[] = [];
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    if (isLoopback(url)) await route.continue();
    else {
      offsite.push(url);
      await route.abort("blockedbyclient");
    }
  });
  context.on("page", (page) => watch(page, errors));
  for (const page of context.pages()) watch(page, errors);
  let closed = false;
  return {
    context,
    newPage: () => context.newPage(),
    async screenshot(page, name, screenshotOptions = {}) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: screenshotOptions.fullPage ?? false });
      return path;
    },
    offsiteRequests: () => [...offsite],
    pageErrors: () => [...errors],
    async close() {
      if (closed) return;
      closed = true;
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

function watch(page: Page, errors: string[]): void {
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
}
