// `oclog sessions` and `oclog session` on a real case: the demo incident uploaded to a real
// Azurite and investigated, once as shipped and once with hostile text planted in the exfiltration
// step's command and in the model's last reply (ANSI, OSC title and hyperlink, bidi override, C1
// controls), to show none of it reaches the terminal raw, in text or in --json.
import test from "ava";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { runInvestigation, Sensitive, type SessionStep, type SessionSummary, type StepPin } from "@oclog/investigate";
import { buildDemoIncident, DEMO_FIXTURES, uploadIncident, type DemoIncident } from "@oclog/test-kit/demo";
import { startAzurite, type Azurite } from "@oclog/test-kit/azurite";
import { runCli } from "./run-cli.js";

const root = mkdtempSync(join(tmpdir(), "oclog-sessions-"));
const caseDir = join(root, "case");
const hostileDir = join(root, "hostile");
let azurite: Azurite;
let incident: DemoIncident;

const HOSTILE = "\u001b[31mRED\u001b[0m \u001b]0;pwned\u0007 \u001b]8;;https://evil.example/\u001b\\link\u001b]8;;\u001b\\ txt.\u202eexe \u009b2J \u0085 safe\roverwritten";
/** A character a terminal would act on (or that reorders the display), raw in the output. */
// eslint-disable-next-line no-control-regex, no-misleading-character-class
const RAW_ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Every string in `value` with `needle` gets HOSTILE in front of it (objects and arrays walked). */
function plant(value: unknown, needle: string): unknown {
  if (typeof value === "string") return value.replaceAll(needle, `${HOSTILE}${needle}`);
  if (Array.isArray(value)) return value.map((v) => plant(v, needle));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plant(v, needle)]));
  return value;
}

/** The demo incident with hostile text in the curl command and in the model's summary, in the record and its `log` line alike. */
function hostileIncident(base: DemoIncident): DemoIncident {
  const blobs = base.blobs.map((blob) => {
    if (!blob.name.includes("openclaw.transcript")) return blob;
    const lines = gunzipSync(blob.content).toString("utf8").split("\n").map((line) => {
      if (line === "") return line;
      let record = JSON.parse(line) as Record<string, unknown>;
      for (const needle of ["curl -s", "Here is a summary"]) {
        record = plant(record, needle) as Record<string, unknown>;
      }
      return JSON.stringify(record);
    });
    return { ...blob, content: gzipSync(lines.join("\n")) };
  });
  return { ...base, blobs, container: `${base.container}` };
}

test.before(async () => {
  azurite = await startAzurite();
  incident = buildDemoIncident(DEMO_FIXTURES);
  await uploadIncident(azurite.connectionString, incident);
  await runInvestigation({ user: incident.user, connectionString: new Sensitive(azurite.connectionString), caseDir, oclogVersion: "test" });
  // The hostile variant replaces alice's blobs (same names) and gets its own case.
  await uploadIncident(azurite.connectionString, hostileIncident(incident));
  await runInvestigation({ user: incident.user, connectionString: new Sensitive(azurite.connectionString), caseDir: hostileDir, oclogVersion: "test" });
});
test.after.always(async () => {
  await azurite?.stop();
});

test.serial("sessions lists the demo's sessions, and --json is one array of the same sessions", async (t) => {
  const text = await runCli("sessions", caseDir);
  t.is(text.code, 0, text.stderr);
  t.regex(text.stdout, /^SESSION +START +WORST +STEPS/);
  t.true(text.stdout.includes(incident.injection.sessionId));
  t.regex(text.stdout, /Can you summarize https:\/\/ai-tips\.example\.net/);
  const json = await runCli("sessions", caseDir, "--json");
  t.is(json.code, 0, json.stderr);
  const sessions = JSON.parse(json.stdout) as SessionSummary[];
  t.true(sessions.length >= 2);
  const injected = sessions.find((s) => s.sessionId === incident.injection.sessionId);
  t.truthy(injected);
  t.deepEqual(injected!.tools, ["web_fetch", "read", "exec"]);
  for (const s of sessions) t.true(text.stdout.includes(s.sessionId), s.sessionId);
});

test.serial("session replays the injected session in order: the web_fetch of the page, then exec with curl", async (t) => {
  const id = incident.injection.sessionId;
  const text = await runCli("session", caseDir, id);
  t.is(text.code, 0, text.stderr);
  const fetchAt = text.stdout.search(/#\d+ .* tool {2}web_fetch \{"url":"https:\/\/ai-tips\.example\.net/);
  const curlAt = text.stdout.search(/#\d+ .* tool {2}exec \{"command":"curl -s -X POST/);
  t.true(fetchAt > 0 && curlAt > fetchAt, text.stdout);
  t.true(text.stdout.includes(incident.injection.exfilUrl));

  const json = await runCli("session", caseDir, id, "--json");
  t.is(json.code, 0, json.stderr);
  const replay = JSON.parse(json.stdout) as { session: SessionSummary; steps: SessionStep[]; pins: StepPin[] };
  t.is(replay.session.sessionId, id);
  t.deepEqual(replay.steps.map((s) => s.stepNo), replay.steps.map((_, i) => i + 1));
  t.deepEqual(replay.steps.filter((s) => s.kind === "tool").map((s) => s.tool), ["web_fetch", "read", "exec"]);
  // The text view shows every step the JSON has, under the same number.
  for (const step of replay.steps) t.regex(text.stdout, new RegExp(`^#${step.stepNo} .* ${step.kind}`, "m"));
  t.true(Array.isArray(replay.pins));
});

test.serial("an unknown session id is a usage error whose hint lists the sessions command", async (t) => {
  const result = await runCli("session", caseDir, "no-such-session");
  t.is(result.code, 2);
  t.is(result.stdout, "");
  t.regex(result.stderr, /has no session "no-such-session"/);
  t.regex(result.stderr, /hint: run `oclog sessions .*` to list the session ids of this case/);
});

test.serial("--severity keeps only sessions with a finding at least that severe", async (t) => {
  const all = JSON.parse((await runCli("sessions", caseDir, "--json")).stdout) as SessionSummary[];
  const high = JSON.parse((await runCli("sessions", caseDir, "--json", "--severity", "high")).stdout) as SessionSummary[];
  t.deepEqual(
    high.map((s) => s.sessionId),
    all.filter((s) => s.worst === "high" || s.worst === "critical").map((s) => s.sessionId),
  );
  t.is((await runCli("sessions", caseDir, "--severity", "nonsense")).code, 2);
});

test.serial("hostile text in a step's arguments and text never reaches the output raw, in text or --json", async (t) => {
  const id = incident.injection.sessionId;
  const json = await runCli("session", hostileDir, id, "--json");
  t.is(json.code, 0, json.stderr);
  const replay = JSON.parse(json.stdout) as { steps: SessionStep[] };
  // The plant landed: the case holds the hostile bytes (so this test tests something).
  // DuckDB writes the arguments' JSON with its own escapes (`\u001B`); the bidi override stays raw in it.
  t.true(replay.steps.some((s) => s.arguments?.includes("curl") === true && /\\u001b\[31mRED/i.test(s.arguments) && s.arguments.includes("\u202e")), "planted in the arguments");
  // The load already strips ANSI and controls from message text; the bidi override is what is left to stop.
  t.true(replay.steps.some((s) => s.kind === "model" && s.text?.includes("\u202e") === true), "planted in the model's text");
  for (const args of [["session", hostileDir, id], ["session", hostileDir, id, "--json"], ["sessions", hostileDir], ["sessions", hostileDir, "--json"]]) {
    const result = await runCli(...args);
    t.is(result.code, 0, result.stderr);
    t.notRegex(result.stdout, RAW_ACTIVE, args.join(" "));
  }
  const text = await runCli("session", hostileDir, id);
  t.regex(text.stdout, /text: RED .*txt\.exe .*Here is a summary/);
  t.regex(text.stdout, /exec \{"command":".*curl -s -X POST/);
});
