// report.html in a real browser (Debian's Chromium, headless, via playwright-core): built from
// the real capture plus hostile log content, it must render (findings, chart with marks), make no
// network request but loading itself, log no console error (a CSP violation would), and open no
// dialog (an injected alert() would). With a replay (as `oclog investigate` writes it) the page has
// exactly two script elements: the JSON data block and the one hashed inline script; nothing else
// active. A screenshot goes to test-artifacts/report.png.
import test from "ava";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { writeReports } from "../src/reports/write-reports.js";
import { buildTestCase, HOSTILE } from "./fixtures/reports/build-case.js";
import { buildReplayFixture } from "./fixtures/reports/replay-fixture.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = fileURLToPath(new URL("../../../test-artifacts/", import.meta.url));

/** Chromium may still be being installed by apt: wait for it, up to a deadline. */
async function waitForChromium(deadlineMs: number): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  while (!existsSync(CHROMIUM)) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  return true;
}

test("report.html renders findings and chart, makes no request, runs nothing but its hashed script", async (t) => {
  t.timeout(180_000);
  t.true(await waitForChromium(90_000), `${CHROMIUM} is not installed`);
  const testCase = await buildTestCase();
  const dir = mkdtempSync(join(tmpdir(), "oclog-report-browser-"));
  const paths = await writeReports(testCase.connection, { ...testCase.data, replay: buildReplayFixture(testCase.data.findings) }, dir);
  testCase.close();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const requests: string[] = [];
    const consoleErrors: string[] = [];
    const dialogs: string[] = [];
    const pageErrors: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") consoleErrors.push(`${message.type()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    page.on("dialog", (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    const url = pathToFileURL(paths.reportHtml).href;
    // "networkidle": anything the page would fetch (an injected image, a font) has been asked for.
    await page.goto(url, { waitUntil: "networkidle" });

    for (const finding of testCase.data.findings) {
      const title = finding.detection.title;
      const shown = page.locator("details.finding > summary .title", { hasText: title });
      t.is(await shown.count(), 1, `one summary titled ${title}`);
      t.true(await shown.isVisible(), `title visible: ${title}`);
    }
    // The hostile strings are on screen as text, not as elements.
    t.true(await page.locator("table.evidence td", { hasText: HOSTILE.img }).first().isVisible(), "the <img> markup shows as text");
    t.true(await page.locator("table.evidence td", { hasText: `tool output: ${HOSTILE.script}` }).first().isVisible(), "the <script> markup shows as text");
    const count = (selector: string) => page.locator(selector).count();
    const dom = {
      active: await count("img, iframe, object, embed, a, link, form, base, meta[http-equiv=refresh], script[src]"),
      scripts: await page.locator("script").evaluateAll((nodes) => nodes.map((n) => n.getAttribute("type") ?? "inline")),
      bars: await count("svg.timeline rect.bar"),
      marks: await count("svg.timeline g.finding-mark"),
      legend: await count("svg.timeline g.legend-items text"),
      axisLabels: await page.locator("svg.timeline text.axis-label").allTextContents(),
      details: await count("details.finding"),
      title: await page.title(),
    };
    t.is(dom.active, 0, "no image, frame, link, form or script from a file in the page");
    t.deepEqual(dom.scripts, ["application/json", "inline"], "exactly two scripts: the JSON data block and the hashed inline script");
    t.true(dom.bars > 20, `chart has bars (${dom.bars})`);
    t.is(dom.marks, testCase.data.findings.length, "each finding marked on the chart");
    t.true(dom.legend >= 3, "chart has a legend");
    t.is(dom.axisLabels.length, 2, "both axes labelled");
    t.is(dom.details, testCase.data.findings.length);
    t.is(dom.title, `oclog investigation: ${testCase.data.caseId}`);
    const chart = await page.locator("svg.timeline").boundingBox();
    t.true((chart?.width ?? 0) > 600 && (chart?.height ?? 0) > 200, `chart is laid out: ${JSON.stringify(chart)}`);

    // Open every finding (the browser, not a script of ours, toggles <details>) and look again.
    const closed = page.locator("details.finding:not([open]) > summary");
    for (let n = await closed.count(); n > 0; n--) await closed.first().click();
    t.is(await closed.count(), 0);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "report.png"), fullPage: true });
    t.deepEqual(requests, [url], "the only request is the report file itself");
    t.deepEqual(dialogs, [], "no dialog: nothing injected ran");
    t.deepEqual(pageErrors, []);
    t.deepEqual(consoleErrors, [], "no console error or warning (a CSP violation would log one)");
  } finally {
    await browser.close();
  }
});
