// The public site (issue 6): zero axe-core violations (WCAG 2.2 AA) on every page at a phone and
// a desktop viewport, in light and dark colour schemes; the skip link; every interactive element
// on the home page reachable with Tab with a visible focus indicator; the contact form sent with
// the keyboard alone, with and without JavaScript.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newPage, open, axeCheck, viewports, baseUrl, tabUntil, focusedInfo } from "../helpers.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Finds the first blog post's path from the blog list. */
async function firstPostPath() {
  const page = await newPage(browser);
  await open(page, "/blog");
  const href = await page.locator("ul.post-list a").first().getAttribute("href");
  await page.context().close();
  return href;
}

const pages = ["/", "/treatments", "/treatments/halo", "/treatments/consultation", "/blog", "/contact", "/contact/sent", "/accessibility", "/health-and-safety"];

for (const [name, viewport] of Object.entries(viewports)) {
  for (const scheme of ["light", "dark"]) {
    test(`axe: every public page at ${name} size, ${scheme} scheme`, async () => {
      const post = await firstPostPath();
      assert.ok(post, "the demo has blog posts");
      const page = await newPage(browser, viewport, { colorScheme: scheme });
      for (const path of [...pages, post]) {
        await open(page, path);
        await axeCheck(page, `${path} (${name}, ${scheme})`);
      }
      // A 404 page and a contact form with errors are pages too.
      await page.goto(baseUrl + "/no-such-page");
      await axeCheck(page, `404 (${name}, ${scheme})`);
      await open(page, "/contact");
      await page.click("button[type=submit]");
      await page.waitForSelector("#error-summary");
      await axeCheck(page, `contact errors (${name}, ${scheme})`);
      await page.context().close();
    });
  }
}

test("the skip link is the first stop and moves focus to the main content", async () => {
  const page = await newPage(browser, viewports.phone);
  await open(page, "/treatments/halo");
  await page.keyboard.press("Tab");
  const first = await focusedInfo(page);
  assert.equal(first.text, "Skip to main content");
  assert.ok(first.visibleFocus, "the skip link shows focus");
  assert.ok(await page.locator(".skip-link").isVisible(), "the skip link appears when focused");
  await page.keyboard.press("Enter");
  const now = await focusedInfo(page);
  assert.equal(now.id, "main", "focus moved to <main>");
  await page.keyboard.press("Tab");
  const next = await focusedInfo(page);
  const inMain = await page.evaluate(() => document.getElementById("main").contains(document.activeElement));
  assert.ok(inMain, `the next Tab stays in the main content, got ${JSON.stringify(next)}`);
  await page.context().close();
});

for (const [name, viewport] of Object.entries(viewports)) {
  test(`every interactive element on the home page is reachable with Tab and shows focus (${name})`, async () => {
    const page = await newPage(browser, viewport);
    await open(page, "/");
    const expected = await page.evaluate(() =>
      [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])")]
        .filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden")
        .map((el) => el.tagName + "|" + (el.getAttribute("href") || el.id || el.getAttribute("name") || el.textContent.trim())),
    );
    assert.ok(expected.length > 20, "the home page has links");
    const seen = new Set();
    for (let i = 0; i < expected.length + 5; i++) {
      await page.keyboard.press("Tab");
      const f = await focusedInfo(page);
      if (f.tag === "body") break;
      assert.ok(f.visibleFocus, `no visible focus on ${f.key}`);
      if (seen.has(f.key) && f.key === expected[0]) break;
      seen.add(f.key);
    }
    const missing = expected.filter((k) => !seen.has(k));
    assert.deepEqual(missing, [], "elements Tab never reached");
    await page.context().close();
  });
}

for (const js of [true, false]) {
  test(`the contact form works with the keyboard alone, JavaScript ${js ? "on" : "off"}`, async () => {
    const page = await newPage(browser, viewports.phone, { javaScriptEnabled: js });
    await open(page, "/contact");
    // Submit empty first: errors come back next to the fields, with a summary.
    await tabUntil(page, (f) => f.tag === "button" && f.text === "Send message");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    assert.ok(await page.locator("#error-summary").isVisible(), "error summary shown");
    assert.equal(await page.locator("#name").getAttribute("aria-invalid"), "true");
    if (js) {
      const f = await focusedInfo(page);
      assert.equal(f.id, "error-summary", "with JavaScript, focus moves to the summary");
    }
    // Fill it in by keyboard only: Tab to each field and type.
    await page.keyboard.press("Tab");
    await tabUntil(page, (f) => f.id === "name", 40);
    await page.keyboard.type("Keyboard Kim");
    await page.keyboard.press("Tab");
    await page.keyboard.type("kim@example.com");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    const message = await focusedInfo(page);
    assert.equal(message.id, "message", "Tab order: name, email, phone, message");
    await page.keyboard.type("Can I bring my own sunscreen to the Halo appointment?");
    await tabUntil(page, (f) => f.tag === "button" && f.text === "Send message", 5);
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    assert.equal(new URL(page.url()).pathname, "/contact/sent");
    assert.match(await page.locator("h1").textContent(), /message has been sent/);
    await page.context().close();
  });
}

for (const [name, viewport] of Object.entries(viewports)) {
  test(`the header shows exactly one Book now button and the tab has an icon (${name})`, async () => {
    const page = await newPage(browser, viewport);
    await open(page, "/");
    const visible = await page.locator("header.site-header a:has-text('Book now')").evaluateAll(
      (links) => links.filter((a) => a.offsetParent !== null && getComputedStyle(a).display !== "none").length,
    );
    assert.equal(visible, 1, "one visible Book now in the header");
    const icon = await page.locator('link[rel="icon"]').getAttribute("href");
    const res = await page.request.get(baseUrl + icon);
    assert.equal(res.status(), 200);
    assert.match(res.headers()["content-type"], /image\/svg\+xml/);
    const ico = await page.request.get(baseUrl + "/favicon.ico");
    assert.equal(ico.status(), 200, "/favicon.ico leads to the icon");
    await page.context().close();
  });
}
