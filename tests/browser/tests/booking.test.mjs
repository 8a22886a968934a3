// The booking flow (issue 6): zero axe-core violations (WCAG 2.2 AA) on every step, the
// confirmation page and the manage pages, at a phone and a desktop viewport in light and dark
// schemes; a Halo booking made with the keyboard alone, with JavaScript on and off; cancelling
// from the manage page. The tests take the last free day on the first page of dates that has one
// (moving on with "Later dates"), so bookings fall outside the change cut-off.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, newPage, open, axeCheck, viewports, baseUrl, tabUntil, focusedInfo } from "../helpers.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const QUESTIONS = ["pregnant", "recent_tan_or_sunburn", "cold_sore_history", "active_infection", "keloid_history", "melasma"];

/** Clicks `selector` and waits for the next page. */
async function go(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

/** On the date step: the last day with free times on the first page that has any, paging on
 * with "Later dates" (the last one, so the booking is well outside the 24-hour change cut-off
 * and the manage page offers Reschedule and Cancel). */
async function chooseFirstDay(page) {
  for (let i = 0; i < 6; i++) {
    if (await page.locator("button.book-day").count()) return go(page, "button.book-day >> nth=-1");
    await go(page, "button:has-text('Later dates')");
  }
  throw new Error("no free day in twelve weeks");
}

/** Answers the Halo questions "no" / never, by mouse (the keyboard test does it by keys). */
async function answerHalo(page, overrides = {}) {
  for (const q of QUESTIONS) await page.check(`[id="screening.${q}${overrides[q] === "yes" ? "" : "-no"}"]`);
}

for (const [name, viewport] of Object.entries(viewports)) {
  for (const scheme of ["light", "dark"]) {
    test(`axe: every booking step, confirmation and manage page at ${name} size, ${scheme} scheme`, async () => {
      const page = await newPage(browser, viewport, { colorScheme: scheme });
      const check = (label) => axeCheck(page, `${label} (${name}, ${scheme})`);
      await open(page, "/book");
      await check("treatment step");
      await go(page, "form.book-form button[type=submit]");
      await check("treatment step with an error");
      await open(page, "/book?service=halo");
      await check("questions");
      await go(page, "form.book-form .actions button");
      assert.ok(await page.locator("#error-summary").isVisible());
      await check("questions with errors");
      await answerHalo(page);
      await page.fill('[id="screening.retinoid_last_used"]', "13");
      await go(page, "form.book-form .actions button");
      await check("questions with a bad date");
      await page.fill('[id="screening.retinoid_last_used"]', "");
      await go(page, "form.book-form .actions button");
      assert.match(await page.locator("h1").textContent(), /Choose a date/);
      await check("date step");
      await chooseFirstDay(page);
      assert.match(await page.locator("h1").textContent(), /Choose a time/);
      await check("time step");
      await go(page, "form.book-form .actions button");
      await check("time step with an error");
      await page.check("#slot");
      await go(page, "form.book-form .actions button");
      await check("details step");
      await go(page, "button:has-text('Confirm booking')");
      assert.ok(await page.locator("#error-summary").isVisible());
      await check("details with errors");
      await page.fill("#name", "Axe Tester");
      await page.fill("#email", "axe@example.com");
      await page.fill("#phone", "+1 312 555 0199");
      await page.check("#consent");
      await go(page, "button:has-text('Confirm booking')");
      assert.match(await page.locator("h1").textContent(), /confirmed/);
      await check("confirmation");
      const manage = await page.locator("a:has-text('Manage your booking')").getAttribute("href");
      await open(page, manage);
      await check("manage page");
      await go(page, "a:has-text('Reschedule')");
      await check("reschedule: date");
      await chooseFirstDay(page);
      await check("reschedule: time");
      await page.check("#slot");
      await go(page, "form.book-form .actions button");
      await check("reschedule: review");
      await go(page, "button:has-text('Confirm new time')");
      assert.match(await page.locator(".book-notice").textContent(), /moved/);
      await check("manage page after moving");
      await go(page, "a:has-text('Cancel booking')");
      await check("cancel confirmation");
      await go(page, "button:has-text('Yes, cancel my booking')");
      await check("cancelled booking");
      // A refusal, the consultation preset, the embed frame, a wrong token.
      await open(page, "/book?service=halo");
      await answerHalo(page, { pregnant: "yes" });
      await go(page, "form.book-form .actions button");
      assert.ok(await page.locator("a:has-text('Book your complimentary consultation')").isVisible());
      await check("refusal");
      await open(page, "/book/consultation?service=halo");
      await check("consultation date step");
      await open(page, "/embed/book?service=halo");
      await check("embedded questions");
      const res = await page.goto(baseUrl + "/bookings/NOPE1234?token=nope");
      assert.equal(res.status(), 404);
      await check("wrong manage link");
      await page.context().close();
    });
  }
}

/** Tab to the element matching `predicate`, asserting every stop on the way shows focus. */
async function tabTo(page, predicate, max = 120) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const f = await focusedInfo(page);
    if (f.tag !== "body") assert.ok(f.visibleFocus, `no visible focus on ${f.key}`);
    if (predicate(f)) return f;
  }
  throw new Error("never reached the wanted element with Tab");
}

/** Presses Enter on the focused button and waits for the next page. */
async function enter(page) {
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
}

for (const js of [true, false]) {
  test(`a Halo booking made with the keyboard alone, JavaScript ${js ? "on" : "off"}`, async () => {
    const page = await newPage(browser, viewports.phone, { javaScriptEnabled: js });
    await open(page, "/book");
    // Treatment: Tab into the radio group, arrows to Halo (the first), Space, then Continue.
    await tabTo(page, (f) => f.name === "service");
    await page.keyboard.press("Space");
    assert.equal(await page.locator('input[name=service][value=halo]').isChecked(), true);
    await tabTo(page, (f) => f.tag === "button" && f.text === "Continue");
    await enter(page);
    assert.match(await page.locator("h1").textContent(), /safety questions/);
    // Questions: each yes/no group is one Tab stop; the arrow key moves to "No" and picks it.
    // The date questions are three text fields each, left empty (never).
    for (const q of QUESTIONS) {
      const f = await tabTo(page, (x) => x.name === `screening.${q}`);
      assert.equal(f.id, `screening.${q}`, "Tab lands on the group's first radio");
      await page.keyboard.press("ArrowRight");
      assert.equal(await page.locator(`[id="screening.${q}-no"]`).isChecked(), true, q);
    }
    // Shift+Tab goes back into the previous group and Tab comes out again.
    await page.keyboard.press("Shift+Tab");
    assert.equal((await focusedInfo(page)).name, "screening.keloid_history");
    await tabTo(page, (f) => f.tag === "button" && f.text === "Continue");
    await enter(page);
    assert.match(await page.locator("h1").textContent(), /Choose a date/);
    // Date: "Later dates" once (a booking outside the 24-hour change cut-off can be cancelled
    // online), then the first day button with free times (paging on again if needed).
    const later = await tabTo(page, (x) => x.text === "Later dates");
    assert.equal(later.tag, "button");
    await enter(page);
    for (let i = 0; ; i++) {
      assert.ok(i < 6, "a free day within twelve weeks");
      const f = await tabTo(page, (x) => (x.tag === "button" && /free time/.test(x.text)) || x.text === "Later dates");
      await enter(page);
      if (!/free time/.test(f.text)) continue;
      break;
    }
    assert.match(await page.locator("h1").textContent(), /Choose a time/);
    // Time: Tab past the provider filter into the times, Space picks the first.
    const slot = await tabTo(page, (f) => f.name === "slot");
    await page.keyboard.press("Space");
    assert.equal(await page.locator(`[id="${slot.id}"]`).isChecked(), true);
    const label = await page.locator(`label[for="${slot.id}"]`).textContent();
    assert.match(label, /^\w+day \d+ \w+, \d+:\d\d [AP]M with /, "the radio's name reads like speech");
    await tabTo(page, (f) => f.tag === "button" && f.text === "Continue");
    await enter(page);
    // Details: type into each field, Space ticks the consent, Enter confirms.
    await tabTo(page, (f) => f.id === "name");
    await page.keyboard.type("Keyboard Kim");
    await page.keyboard.press("Tab");
    await page.keyboard.type("kim@example.com");
    await page.keyboard.press("Tab");
    await page.keyboard.type("+1 312 555 0188");
    await page.keyboard.press("Tab");
    assert.equal((await focusedInfo(page)).id, "notes", "Tab order: name, email, phone, notes");
    await page.keyboard.type("Please use the step-free entrance.");
    await page.keyboard.press("Tab");
    assert.equal((await focusedInfo(page)).id, "consent");
    await page.keyboard.press("Space");
    await tabTo(page, (f) => f.tag === "button" && f.text === "Confirm booking", 5);
    await enter(page);
    assert.match(await page.locator("h1").textContent(), /confirmed/);
    assert.match(await page.locator(".book-reference").textContent(), /[A-Z0-9]{6,}/);
    assert.match(await page.content(), /Your care plan/);
    // And cancel it from the manage page, still by keyboard.
    await tabTo(page, (f) => f.text === "Manage your booking");
    await enter(page);
    assert.match(await page.locator("h1").textContent(), /Your booking/);
    await tabTo(page, (f) => f.text === "Cancel booking");
    await enter(page);
    await tabTo(page, (f) => f.text === "Yes, cancel my booking");
    await enter(page);
    assert.match(await page.locator("h1").textContent(), /cancelled/);
    await page.context().close();
  });
}
