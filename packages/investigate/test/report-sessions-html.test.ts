// report.html with a replay: the story, the Sessions section and the strips. Hostile text in every
// field of sessions, steps, story and strips must stay text: in the markup it is escaped, in the JSON
// block it cannot close the element (no raw `<`, `>`, `&`, U+2028, U+2029) and parses back to the
// cleaned original. The one inline script is exactly the one whose hash is in the CSP.
import test from "ava";
import { createHash } from "node:crypto";
import { renderHtml, CONTENT_SECURITY_POLICY } from "../src/reports/report-html.js";
import { cleanDeep, REPLAY_CONTENT_SECURITY_POLICY, scriptSafeJson } from "../src/reports/report-sessions-html.js";
import { REPORT_SCRIPT } from "../src/reports/report-script.js";
import { cleanText } from "../src/reports/text-safety.js";
import { buildTestCase, HOSTILE } from "./fixtures/reports/build-case.js";
import { buildReplayFixture, hostileEverywhere, SCRIPT_HOSTILE } from "./fixtures/reports/replay-fixture.js";

const caseP = buildTestCase();
test.after.always(async () => (await caseP).close());

const JSON_BLOCK = /<script type="application\/json" id="oclog-replay">([\s\S]*?)<\/script>/;
const SCRIPT_BLOCK = /<script>([\s\S]*?)<\/script>/;

/** The page without its two script elements: what the markup checks look at. */
const markupOnly = (html: string) => html.replace(JSON_BLOCK, "").replace(SCRIPT_BLOCK, "");

test("json block: hostile text in every field parses back cleaned, and cannot close the element", async (t) => {
  const { data } = await caseP;
  const replay = hostileEverywhere(buildReplayFixture(data.findings));
  const html = renderHtml({ ...data, replay });
  const block = JSON_BLOCK.exec(html)?.[1];
  t.truthy(block, "the JSON block is there");
  t.false(/[<>&\u2028\u2029]/.test(block!), "no raw < > & U+2028 U+2029 inside the JSON");
  t.false(/<\/script/i.test(block!));
  const parsed = JSON.parse(block!) as Record<string, unknown>;
  t.deepEqual(parsed.sessions, cleanDeep(replay.sessions));
  t.deepEqual(parsed.pins, cleanDeep(replay.pins));
  t.deepEqual(Object.keys(parsed.steps as object), Object.keys(replay.steps).map(cleanText));
  t.deepEqual(parsed.steps, cleanDeep(replay.steps));
  t.is(parsed.caseId, data.caseId);
  // Spot checks against the raw hostile strings, not through cleanDeep.
  const hostileSession = (parsed.sessions as { host: string }[])[1]!;
  t.true(hostileSession.host.startsWith(SCRIPT_HOSTILE.closeScript), "the closing tag survives as data");
  t.false(JSON.stringify(parsed).includes("\u001b"), "no ANSI escape in the data");
  t.false(/[\u202a-\u202e\u2028\u2029]/.test(JSON.stringify(parsed)), "no bidi override or line separator in the data");
  // Exactly two script elements in the page.
  t.is((html.match(/<script/gi) ?? []).length, 2);
  t.is((html.match(/<\/script/gi) ?? []).length, 2);
});

test("scriptSafeJson escapes what could end the element or a JS string", (t) => {
  const value = { a: `${SCRIPT_HOSTILE.closeScript} ${SCRIPT_HOSTILE.closeScriptUpper} \u2028\u2029 & ${HOSTILE.img}` };
  const json = scriptSafeJson(value);
  t.false(/[<>&\u2028\u2029]/.test(json));
  t.true(json.includes("\\u003c/script\\u003e"));
  t.true(json.includes("\\u2028\\u2029"));
  t.deepEqual(JSON.parse(json), value);
});

test("csp: the inline script is the hashed one, no unsafe-inline script, no network", async (t) => {
  const { data } = await caseP;
  const html = renderHtml({ ...data, replay: buildReplayFixture(data.findings) });
  const script = SCRIPT_BLOCK.exec(html)?.[1];
  t.is(script, REPORT_SCRIPT);
  const hash = createHash("sha256").update(script!, "utf8").digest("base64");
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  t.is(csp, REPLAY_CONTENT_SECURITY_POLICY);
  t.true(csp!.includes(`script-src 'sha256-${hash}'`));
  t.true(csp!.startsWith("default-src 'none';"));
  t.false(/script-src[^;]*unsafe/.test(csp!), "no unsafe-inline or unsafe-eval for scripts");
  t.false(/connect-src/.test(csp!), "connect-src falls back to none");
  t.false(/\beval\s*\(|new Function|innerHTML|outerHTML|insertAdjacentHTML|document\.write/.test(REPORT_SCRIPT), "the script never parses data as code or markup");
});

test("markup: story, sessions, step buttons and strips render hostile text as escaped text", async (t) => {
  const { data } = await caseP;
  const replay = hostileEverywhere(buildReplayFixture(data.findings));
  const html = renderHtml({ ...data, replay });
  const markup = markupOnly(html);
  // Escaped text is inert: `&lt;img ...&gt;`, also cut short by a clip (`&lt;img src=x one…`), and
  // the pre-escaped SCRIPT_HOSTILE.entity, shown as `&amp;lt;img ...`.
  const outsideText = markup.replace(/&(amp;)?lt;[^<]*?(&(amp;)?gt;|…)/g, "");
  t.false(html.includes("\u001b"));
  t.false(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2028\u2029]/.test(html), "no control, bidi or separator character");
  t.false(/<script/i.test(markup), "no script element besides the two");
  t.false(/<img/i.test(markup));
  t.false(/<a[\s>]/i.test(markup), "nothing is linked");
  t.false(/\son[a-z]+\s*=/i.test(outsideText), "no event-handler attribute outside escaped text");
  t.false(/(href|src|action)\s*=/i.test(outsideText), "no URL-bearing attribute");
  t.true(markup.includes("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), "the closing tag is escaped in the markup");
});

test("markup: the story is first, the Sessions section follows Findings, pinned rows get step buttons", async (t) => {
  const { data } = await caseP;
  const replay = buildReplayFixture(data.findings);
  const html = renderHtml({ ...data, replay });
  const order = ["</header>", 'id="story"', "<h2>Timeline</h2>", "<h2>Findings</h2>", 'id="sessions"', "<h2>Sources</h2>"].map((s) => html.indexOf(s));
  t.true(order.every((p, i) => p > 0 && (i === 0 || p > order[i - 1]!)), `sections in order: ${order.join(", ")}`);
  t.true(html.includes("<h3>What is uncertain</h3>"));
  t.true(html.includes('<button type="button" class="goto-step" data-session="sess-injected" data-step="4"'), "a story sentence opens its step");
  t.regex(html, /<code>oclog\/alice\/gateway\.log invoicefdp\.exe:42<\/code> <button type="button" class="copy" data-copy="oclog\/alice\/gateway\.log invoicefdp\.exe:42">copy<\/button>/, "an evidence ref is text with a copy button");
  const critical = /<details class="finding" id="finding-1"[\s\S]*?<\/details>/.exec(html)?.[0] ?? "";
  t.true(critical.includes("<th class=\"short\">step</th>"), "the pinned finding's table has a step column");
  t.true(critical.includes('data-session="sess-injected" data-step="41"'), "the evidence row opens step 41");
  t.true(critical.includes("cause: step 4"), "the cause is marked");
  t.true(critical.includes('class="strip"'), "the strip is under its finding");
  t.true(critical.includes("no egress records in the case"));
  t.true(critical.includes('<span class="verdict verdict-allowed">allowed</span>'));
  t.true(critical.includes("3 more events in the window."));
  t.false(/<details class="finding" id="finding-4"[\s\S]*?<\/details>/.exec(html)?.[0]?.includes("<th class=\"short\">step</th>") ?? false, "unpinned findings keep their table");
});

test("no replay: nothing new in the page, still no script and the old CSP", async (t) => {
  const { data } = await caseP;
  const { replay: _ignored, ...old } = { ...data, replay: undefined };
  const html = renderHtml(old);
  t.is(html, renderHtml({ ...data, replay: undefined }));
  t.false(/<script/i.test(html));
  t.true(html.includes(`content="${CONTENT_SECURITY_POLICY}"`));
  t.false(html.includes('id="story"'));
  t.false(html.includes('id="sessions"'));
  t.false(html.includes("<button"));
  t.false(html.includes("<th class=\"short\">step</th>"));
});
