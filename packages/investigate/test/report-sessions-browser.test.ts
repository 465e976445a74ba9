// report.html's replay in a real browser (Debian's Chromium, headless, via playwright-core): the
// finding and story step buttons open the session and bring the step into view, highlighted; the
// filter and severity select narrow the list; copy buttons work; hostile text stays text. The page
// makes no request but itself, logs no error or warning (a CSP violation would), opens no dialog.
// Then 10,000 sessions: the page still loads, filters and opens a session. Screenshot:
// test-artifacts/report-sessions.png.
import test from "ava";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { renderHtml } from "../src/reports/report-html.js";
import type { ReplayData } from "../src/replay/replay-types.js";
import { buildTestCase } from "./fixtures/reports/build-case.js";
import { buildReplayFixture, generateReplay, SCRIPT_HOSTILE } from "./fixtures/reports/replay-fixture.js";

// The test program has no DOM typings: what page-side functions use is typed by hand here. (They
// must be functions: the page's CSP refuses Playwright's string evaluation, as it should.)
type Text = { textContent: string | null } | null;
type BrowserGlobal = {
  innerHeight: number;
  document: { getElementById(id: string): Text; querySelector(selector: string): Text };
  navigator: { clipboard: { readText(): Promise<string> } };
};

/** Waits until the session list's count line is filled and starts with `prefix`. */
const countStartsWith = (page: Page, prefix: string) =>
  page.waitForFunction((p) => {
    const text = (globalThis as unknown as BrowserGlobal).document.getElementById("sessions-count")?.textContent ?? "";
    return text !== "" && text.startsWith(p);
  }, prefix);

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = fileURLToPath(new URL("../../../test-artifacts/", import.meta.url));

const caseP = buildTestCase();
test.after.always(async () => (await caseP).close());

let browserP: Promise<Browser> | null = null;
/** One browser for the file's tests (Chromium may still be being installed by apt: wait for it). */
async function browser(): Promise<Browser> {
  browserP ??= (async () => {
    const until = Date.now() + 90_000;
    while (!existsSync(CHROMIUM) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 2000));
    return chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
    });
  })();
  return browserP;
}
test.after.always(async () => {
  if (browserP) await (await browserP).close();
});

/** The report with `replay`, written to a temporary file, opened in a fresh page that records what happens. */
async function openReport(replay: ReplayData) {
  const { data } = await caseP;
  const file = join(mkdtempSync(join(tmpdir(), "oclog-report-sessions-")), "report.html");
  writeFileSync(file, renderHtml({ ...data, replay }));
  const context = await (await browser()).newContext({
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    permissions: ["clipboard-read", "clipboard-write"],
  });
  const page = await context.newPage();
  // The page's timers (the filter's debounce) run only when a test moves this clock: no waiting.
  await page.clock.install();
  const seen = { requests: [] as string[], console: [] as string[], pageErrors: [] as string[], dialogs: [] as string[] };
  page.on("request", (request) => seen.requests.push(request.url()));
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") seen.console.push(`${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => seen.pageErrors.push(String(error)));
  page.on("dialog", (dialog) => {
    seen.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  const url = pathToFileURL(file).href;
  const started = Date.now();
  await page.goto(url, { waitUntil: "load" });
  await countStartsWith(page, "");
  return { page, context, url, seen, loadMs: Date.now() - started };
}

/** Whether the element's top is inside the viewport. */
const inViewport = (locator: Locator) =>
  locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.top < (globalThis as unknown as BrowserGlobal).innerHeight;
  });

const rows = (page: Page) => page.locator("#sessions-list > details.session");

/** Sets the severity select and the filter box, and waits out the filter's debounce (120 ms). */
async function filter(page: Page, text: string, severity = "any") {
  await page.locator("#sessions-severity").selectOption(severity);
  await page.locator("#sessions-filter").fill(text);
  // Past the 120 ms debounce, on the page's installed clock.
  await page.clock.runFor(200);
}

test.serial("replay: step buttons open and highlight the step, filters narrow the list, copy works, nothing runs", async (t) => {
  t.timeout(180_000);
  const { data } = await caseP;
  const { page, context, url, seen } = await openReport(buildReplayFixture(data.findings));
  try {
    t.is(await rows(page).count(), 8, "every session listed");
    t.is(await page.locator("#sessions-list tr.step").count(), 0, "no step rendered before a session is opened");

    // A finding's evidence row -> its step.
    const findingButton = page.locator('#finding-1 button.goto-step[data-step="41"]');
    t.is(await findingButton.count(), 1);
    await findingButton.click();
    const session = page.locator('details.session[data-session="sess-injected"]');
    t.true(await session.evaluate((el) => (el as unknown as { open: boolean }).open), "the session opened");
    const step41 = session.locator('tr.step[data-step="41"]');
    t.true(await step41.evaluate((el) => el.classList.contains("highlight")), "step 41 highlighted");
    t.true(await inViewport(step41), "step 41 scrolled into view");
    t.is(await page.locator(".highlight").count(), 1);
    t.regex((await step41.textContent()) ?? "", /sandbox: path outside the workspace/);
    t.regex((await step41.locator("td.findings").textContent()) ?? "", /Agent tried to read a sensitive system file/, "the finding is marked on its step");

    // The story's sentence -> its step.
    await page.locator("#story button.goto-step").first().click();
    const step4 = session.locator('tr.step[data-step="4"]');
    t.true(await step4.evaluate((el) => el.classList.contains("highlight")), "step 4 highlighted");
    t.true(await inViewport(step4), "step 4 scrolled into view");
    t.is(await page.locator(".highlight").count(), 1, "only the latest step is highlighted");

    // Copy an argument (Clipboard API granted; the fallback must not throw either).
    const copyArgument = step41.locator("button.copy").first();
    await copyArgument.click();
    await page.waitForFunction(
      () => (globalThis as unknown as BrowserGlobal).document.querySelector('tr.step[data-step="41"] button.copy')?.textContent === "copied",
      null,
      { timeout: 2000 },
    );
    const copied = await page.evaluate(() => (globalThis as unknown as BrowserGlobal).navigator.clipboard.readText().catch((e: unknown) => `unreadable: ${String(e)}`));
    t.is(copied, JSON.stringify({ path: "/etc/passwd" }), "the argument is on the clipboard");

    // The hostile session renders its text as text.
    const hostile = page.locator("details.session").nth(1);
    await hostile.locator("summary").click();
    // The page renders a session on its "toggle" event, which the browser dispatches as a task
    // after the click: wait for what it renders (reading at once failed one fresh-clone run).
    await hostile.locator("tr.step").first().waitFor({ timeout: 5000 });
    t.true((await hostile.locator("tr.step").count()) > 5);
    t.true(((await hostile.textContent()) ?? "").includes(SCRIPT_HOSTILE.closeScript), "the closing tag is shown as text");
    t.is(await page.locator("script").count(), 2, "still exactly the two script elements");
    t.is(await page.locator("img, iframe, object, embed, a, link, form, base, meta[http-equiv=refresh]").count(), 0);

    // A session without embedded steps says how to replay it.
    const gatewayOnly = page.locator('details.session[data-session="constructor"]');
    await gatewayOnly.locator("summary").click();
    await gatewayOnly.locator("p.empty").waitFor({ timeout: 5000 });
    t.regex((await gatewayOnly.textContent()) ?? "", /replay with oclog session alice-20261125T0955Z constructor/);

    // Filters.
    await filter(page, "web_search");
    t.is(await rows(page).count(), 5, "a tool name matches the five quiet sessions");
    await filter(page, "passwd");
    t.is(await rows(page).count(), 1, "step arguments are searched");
    await filter(page, "", "high");
    t.is(await rows(page).count(), 1, "severity high: the hostile session");
    await filter(page, "", "none");
    t.is(await rows(page).count(), 5);
    await filter(page, "");
    t.is(await rows(page).count(), 8);

    await findingButton.click();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "report-sessions.png"), fullPage: true });
    t.deepEqual(seen.requests, [url], "the only request is the report file itself");
    t.deepEqual(seen.dialogs, [], "no dialog: nothing injected ran");
    t.deepEqual(seen.pageErrors, []);
    t.deepEqual(seen.console, [], "no console error or warning (a CSP violation would log one)");
  } finally {
    await context.close();
  }
});

test.serial("replay: 10,000 sessions load, filter and open", async (t) => {
  t.timeout(240_000);
  const { page, context, url, seen, loadMs } = await openReport(generateReplay(10_000, 1_000));
  try {
    t.log(`load: ${loadMs} ms`);
    t.is(await rows(page).count(), 200, "only the first 200 rows are rendered");
    t.regex((await page.locator("#sessions-count").textContent()) ?? "", /^10000 of 10000 sessions, showing the first 200$/);
    await page.locator("#sessions-more").click();
    t.is(await rows(page).count(), 400, "show more adds 200");

    let started = Date.now();
    await page.locator("#sessions-filter").fill("exfiltrate");
    await page.clock.runFor(200);
    await countStartsWith(page, "20 of");
    t.log(`text filter: ${Date.now() - started} ms (the 120 ms debounce run on the page clock)`);
    t.is(await rows(page).count(), 20, "one embedded session in 50 has it in a step's arguments");

    started = Date.now();
    await page.locator("#sessions-filter").fill("");
    await page.locator("#sessions-severity").selectOption("critical");
    await countStartsWith(page, "20 of");
    t.log(`severity filter: ${Date.now() - started} ms`);
    t.is(await rows(page).count(), 20);

    started = Date.now();
    const first = rows(page).first();
    await first.locator("summary").click();
    await first.locator("tr.step").first().waitFor({ timeout: 5000 });
    t.is(await first.locator("tr.step").count(), 8, "the opened session's steps are rendered");
    t.log(`open: ${Date.now() - started} ms`);
    t.is(await page.locator("tr.step").count(), 8, "and only those");
    // The text box was cleared just before the severity changed: its debounced render, due now,
    // must not rebuild the list and close the session (it did, one run in a few).
    await page.clock.runFor(200);
    t.is(await page.locator("tr.step").count(), 8, "the opened session stays open after the debounce");

    t.deepEqual(seen.requests, [url]);
    t.deepEqual(seen.dialogs, []);
    t.deepEqual(seen.pageErrors, []);
    t.deepEqual(seen.console, []);
  } finally {
    await context.close();
  }
});
