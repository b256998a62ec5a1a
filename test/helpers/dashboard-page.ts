/**
 * The dashboard page in a test browser (test/helpers/browser.ts): sign in as a user, find a row by
 * the id of the object it shows, and read whether a log box is scrolled to its end.
 *
 *   const page = await signIn(browser, app.url, "me");
 *   await expect.poll(() => row(page, "endpoints", endpointId).textContent()).toContain("READY");
 */
import type { Locator, Page } from "playwright-core";
import type { TestBrowser } from "./browser.js";

/** Opens the page at `hash` (e.g. `endpoint=end_…`) in a new tab and signs in with `key`. */
export async function signIn(browser: TestBrowser, url: string, key: string, hash = ""): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${url}/${hash ? `#${hash}` : ""}`);
  await page.getByLabel("user name or API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("#board").waitFor();
  return page;
}

/** Resolves once the page has read its state again and drawn it (the read after the next one started). */
export async function nextRefresh(page: Page): Promise<void> {
  for (let reads = 0; reads < 2; reads++) await page.waitForResponse((response) => response.url().endsWith("/_launch_local/ui/state"));
}

/** The row of `table` (its element id) showing the object `id`. */
export const row = (page: Page, table: string, id: string): Locator => page.locator(`#${table} tbody tr[data-id="${id}"]`);

/** Whether the log box overflows and shows its last line (what "follow" keeps). */
export const followsEnd = (log: Locator): Promise<{ overflows: boolean; atEnd: boolean }> =>
  log.evaluate((pre) => ({ overflows: pre.scrollHeight > pre.clientHeight, atEnd: pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4 }));
