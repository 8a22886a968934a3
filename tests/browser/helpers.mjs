// Shared helpers for the browser tests (node --test). scripts/browser-test starts a fresh
// `medspa demo` and sets MEDSPA_BASE_URL; add new test files under tests/*.test.mjs and
// import what you need from here.
import { chromium } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";
import assert from "node:assert/strict";

/** The server under test, without a trailing slash. */
export const baseUrl = (process.env.MEDSPA_BASE_URL || "http://127.0.0.1:8080").replace(/\/$/, "");

/** Viewports every page is checked at. */
export const viewports = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
};

/** WCAG 2.2 AA, as axe-core tags it. */
export const wcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Launches the system Chromium (CHROMIUM_PATH, default /usr/bin/chromium). Close it after. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    args: chromiumArgs,
  });
}

/** A new page at a viewport; `options` go to `browser.newContext` (e.g. javaScriptEnabled). */
export async function newPage(browser, viewport = viewports.desktop, options = {}) {
  const context = await browser.newContext({ viewport, ...options });
  return context.newPage();
}

/** Opens `path` and asserts a successful response. */
export async function open(page, path) {
  const res = await page.goto(baseUrl + path, { waitUntil: "load" });
  assert.ok(res, `no response for ${path}`);
  assert.ok(res.status() < 400, `${path} answered ${res.status()}`);
  return res;
}

/** Runs axe-core with the WCAG 2.2 AA tags and fails with a readable list of violations. */
export async function axeCheck(page, label = page.url()) {
  const results = await new AxeBuilder({ page }).withTags(wcagTags).analyze();
  const report = results.violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n` + v.nodes.map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.split("\n").join(" ")}`).join("\n"))
    .join("\n");
  assert.equal(results.violations.length, 0, `axe violations on ${label}:\n${report}`);
}

/** Presses Tab until `predicate(activeElementInfo)` holds (at most `max` times). */
export async function tabUntil(page, predicate, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const info = await focusedInfo(page);
    if (predicate(info)) return info;
  }
  throw new Error("never reached the wanted element with Tab");
}

/** What has focus: tag, id, name, href, text and whether an outline or box-shadow shows. */
export async function focusedInfo(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: "body" };
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
    const shadow = s.boxShadow && s.boxShadow !== "none";
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      name: el.getAttribute("name"),
      href: el.getAttribute("href"),
      text: (el.textContent || "").trim().slice(0, 80),
      visibleFocus: outline || shadow,
      key: el.tagName + "|" + (el.getAttribute("href") || el.id || el.getAttribute("name") || el.textContent?.trim()),
    };
  });
}
