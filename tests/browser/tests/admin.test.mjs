// The back office's first run and sign-in (issue 14) on a second server started on an empty
// data dir (MEDSPA_SETUP_BASE_URL, MEDSPA_SETUP_TOKEN from scripts/browser-test): zero axe-core
// violations (WCAG 2.2 AA) on the setup page, with and without errors, and on every admin page
// at phone and desktop sizes in light and dark schemes; setup completed with the keyboard alone
// and JavaScript off; sign-in by keyboard. (axe needs JavaScript, so it runs in JS-on pages.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newPage, axeCheck, viewports, tabUntil } from "../helpers.mjs";

const base = (process.env.MEDSPA_SETUP_BASE_URL || "").replace(/\/$/, "");
const token = process.env.MEDSPA_SETUP_TOKEN || "";
const skip = !base || !token ? "no empty server (run through scripts/browser-test)" : false;
const OWNER = { name: "Mara Quill", email: "mara@juniper.example", password: "copper kettle rain window" };

let browser;
before(async () => { if (!skip) browser = await launch(); });
after(async () => { await browser?.close(); });

async function go(page, path) {
  return page.goto(base + path, { waitUntil: "load" });
}

async function submitByKeyboard(page, buttonText) {
  await tabUntil(page, (f) => f.tag === "button" && f.text === buttonText, 200);
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
}

test("setup page: axe clean with and without errors, at every size and scheme", { skip }, async () => {
  for (const [name, viewport] of Object.entries(viewports)) {
    for (const colorScheme of ["light", "dark"]) {
      const page = await newPage(browser, viewport, { colorScheme });
      const res = await go(page, "/admin/setup");
      assert.equal(res.status(), 200);
      await axeCheck(page, `setup (${name}, ${colorScheme})`);
      await page.fill("#clinic_name", "");
      await page.fill("#token", "wrong");
      await Promise.all([page.waitForNavigation(), page.click("button:has-text('Create clinic')")]);
      assert.ok(await page.locator("#error-summary").isVisible());
      await axeCheck(page, `setup with errors (${name}, ${colorScheme})`);
      const home = await go(page, "/");
      assert.equal(home.status(), 503);
      await axeCheck(page, `not set up yet (${name}, ${colorScheme})`);
      await page.context().close();
    }
  }
});

test("setup by keyboard with JavaScript off", { skip }, async () => {
  const page = await newPage(browser, viewports.desktop, { javaScriptEnabled: false });
  await go(page, "/admin/setup");
  const type = async (id, text) => {
    await tabUntil(page, (f) => f.id === id, 200);
    await page.keyboard.press("Control+A");
    await page.keyboard.type(text);
  };
  await type("token", token);
  await type("clinic_name", "Juniper Row Aesthetics");
  await tabUntil(page, (f) => f.id === "timezone", 200);
  await page.selectOption("#timezone", "America/Chicago");
  await type("name", OWNER.name);
  await type("email", OWNER.email);
  await type("password", OWNER.password);
  await submitByKeyboard(page, "Create clinic");
  assert.match(new URL(page.url()).pathname, /^\/admin$/);
  assert.match(await page.locator("h1").textContent(), /Today/);
  await page.context().close();
});

test("sign in by keyboard; the login page is axe clean with errors", { skip }, async () => {
  const page = await newPage(browser, viewports.phone);
  await go(page, "/admin/login");
  await axeCheck(page, "login");
  await submitByKeyboard(page, "Sign in");
  assert.ok(await page.locator("#error-summary").isVisible());
  await axeCheck(page, "login with errors");
  await tabUntil(page, (f) => f.id === "email");
  await page.keyboard.type(OWNER.email);
  await tabUntil(page, (f) => f.id === "password");
  await page.keyboard.type(OWNER.password);
  await submitByKeyboard(page, "Sign in");
  assert.match(new URL(page.url()).pathname, /^\/admin$/);
  for (const [name, viewport] of Object.entries(viewports)) {
    for (const colorScheme of ["light", "dark"]) {
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme });
      for (const path of ["/admin", "/admin/settings", "/admin/services", "/admin/services/new", "/admin/staff", "/admin/staff/new", "/admin/rooms", "/admin/rooms/new", "/admin/devices", "/admin/users", "/admin/users/invite", "/admin/account"]) {
        const res = await go(page, path);
        assert.equal(res.status(), 200, path);
        await axeCheck(page, `${path} (${name}, ${colorScheme})`);
      }
      await go(page, "/admin/users/invite");
      await Promise.all([page.waitForNavigation(), page.click("button:has-text('Send invitation')")]);
      await axeCheck(page, `invite with errors (${name}, ${colorScheme})`);
    }
  }
  await page.context().clearCookies();
  await go(page, "/admin/forgot");
  await axeCheck(page, "forgot password");
  await page.context().close();
});
