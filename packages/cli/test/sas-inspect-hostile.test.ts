// Issue 20 for `oclog sas inspect`: every field of a token, and every part of its URL, carrying each
// of HOSTILE_STRINGS (percent-encoded as a real token carries them, and raw), then seeded mutations
// of the SDK's real field record, then the planted corpus. Through the CLI entry point, text and
// --json: nothing a terminal acts on (ESC, C1, BEL and other controls, bidi and invisible
// characters) reaches stdout or stderr, the JSON still parses back to the hostile value, the
// signature never shows, and the exit code is 0, 1 (would be refused) or 2 (not a SAS), never a crash.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import test, { type ExecutionContext } from "ava";
import { quoteUntrusted } from "@oclog/errors";
import { SAS_FIELDS } from "@oclog/sas";
import { Dice, HOSTILE_STRINGS, hostileString, mutateRecord } from "../../../test/hostile/hostile-random.js";
import { FAKE_SIG, encodeValue, sdkFields, urlOf, withField } from "@oclog/test-kit/sas";
import { runCli } from "./run-cli.js";

const work = mkdtempSync(join(tmpdir(), "oclog-sas-inspect-hostile-"));
const CORPUS = fileURLToPath(new URL("../../../test/hostile/corpus/sas/", import.meta.url));
// What a terminal acts on, as packages/cli/src/output.ts names it: C0 but tab and newline, ESC, DEL, C1, bidi controls.
// eslint-disable-next-line no-control-regex
const TERMINAL_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const FAKE_PIECES = Array.from({ length: FAKE_SIG.length - 11 }, (_, i) => FAKE_SIG.slice(i, i + 12));

/** Where `--json` shows each field, for the round trip. */
const JSON_PLACE: Record<string, (summary: Record<string, unknown>) => unknown> = {
  sp: (s) => s.permissions,
  sr: (s) => s.resource,
  ss: (s) => s.services,
  srt: (s) => s.resource_types,
  spr: (s) => s.protocol,
  sip: (s) => s.ip_range,
  si: (s) => s.policy_id,
  sv: (s) => s.version,
  skoid: (s) => (s.user_delegation as Record<string, unknown> | null)?.object_id,
  sktid: (s) => (s.user_delegation as Record<string, unknown> | null)?.tenant_id,
};

let n = 0;
/** Runs inspect on `text` (from a file, as people do) in both modes and checks what came out. */
async function inspectBoth(t: ExecutionContext, text: string, label: string): Promise<{ code: number; json?: Record<string, unknown> }> {
  const file = join(work, `token-${n++}.sas`);
  writeFileSync(file, text);
  let parsed: Record<string, unknown> | undefined;
  for (const json of [false, true]) {
    const run = await runCli("sas", "inspect", file, ...(json ? ["--json"] : []));
    const all = run.stdout + run.stderr;
    const unsafe = TERMINAL_UNSAFE.exec(all);
    if (unsafe) t.fail(`${label}${json ? " --json" : ""}: U+${unsafe[0].charCodeAt(0).toString(16).padStart(4, "0")} reached the terminal`);
    if (![0, 1, 2].includes(run.code)) t.fail(`${label}${json ? " --json" : ""}: exit ${run.code}: ${quoteUntrusted(run.stderr, 300)}`);
    if (FAKE_PIECES.some((p) => all.includes(p))) t.fail(`${label}: a piece of the signature was printed`);
    if (run.code === 2 && !/^oclog: /.test(run.stderr)) t.fail(`${label}: exit 2 without saying why`);
    if (json && run.code !== 2) parsed = JSON.parse(run.stdout) as Record<string, unknown>;
  }
  t.pass();
  return { code: parsed ? 0 : 2, ...(parsed ? { json: parsed } : {}) };
}

const NOW = new Date();
const BASE = sdkFields(NOW);

test("every SAS field carrying each hostile string, percent-encoded: cleaned in text, escaped in JSON that parses back", async (t) => {
  let roundTrips = 0;
  for (const field of Object.keys(SAS_FIELDS)) {
    for (const hostile of HOSTILE_STRINGS) {
      const { json } = await inspectBoth(t, urlOf(withField(BASE, field, hostile)), `${field}=${quoteUntrusted(hostile, 20)}`);
      const place = JSON_PLACE[field];
      // A lone surrogate has no percent-encoding: it went in raw, and JSON cannot carry it back as is.
      if (json && place && encodeValue(hostile) !== hostile) {
        t.is(place(json), hostile, `${field}: --json carries the value, escaped, not dropped`);
        roundTrips++;
      }
    }
  }
  t.true(roundTrips > 150, `${roundTrips} values came back through --json`);
});

test("every part of the URL and the raw token text carrying each hostile string", async (t) => {
  const query = urlOf(BASE).split("?")[1]!;
  for (const hostile of HOSTILE_STRINGS) {
    const h = encodeValue(hostile);
    const places = {
      container: `https://acmelogs.blob.core.windows.net/${h}?${query}`,
      "azurite account": `http://127.0.0.1:10000/${h}/oclog-alice?${query}`,
      host: `https://${h}.blob.core.windows.net/oclog-alice?${query}`,
      fragment: `https://acmelogs.blob.core.windows.net/oclog-alice?${query}#${h}`,
      userinfo: `https://${h}@acmelogs.blob.core.windows.net/oclog-alice?${query}`,
      "raw in sp": urlOf(BASE).replace("sp=cw", `sp=${hostile}`),
      "raw in container": `https://acmelogs.blob.core.windows.net/${hostile}?${query}`,
    };
    for (const [place, text] of Object.entries(places)) await inspectBoth(t, text, `${place}: ${quoteUntrusted(hostile, 20)}`);
  }
});

test("seeded mutations of the SDK's real field record, and hostile text spliced anywhere into the token", async (t) => {
  const base = Object.fromEntries(BASE);
  const codes = new Map<number, number>();
  for (let i = 0; i < 200; i++) {
    const dice = new Dice(`sas-inspect-${i}`);
    const record = mutateRecord(dice, base) as Record<string, unknown>;
    const query = Object.entries(record)
      .map(([name, value]) => {
        let text: string;
        try {
          text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
        } catch {
          text = "{\"a\":".repeat(5_000); // a nest too deep for JSON.stringify, as text
        }
        return `${name}=${dice.chance(0.2) ? text : encodeValue(text)}`;
      })
      .join("&");
    let url = `https://acmelogs.blob.core.windows.net/oclog-alice?${query}`;
    if (dice.chance(0.3)) url = hostileString(dice, url);
    const { code } = await inspectBoth(t, url, `seed sas-inspect-${i}`);
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  t.log(`200 seeded tokens: ${codes.get(0) ?? 0} parsed (exit 0/1), ${codes.get(2) ?? 0} not a SAS (exit 2)`);
});

test("the planted corpus: each file inspected, nothing unsafe printed, every refusal shown as a problem", async (t) => {
  for (const file of readdirSync(CORPUS).filter((f) => f !== "README.md")) {
    const run = await runCli("sas", "inspect", join(CORPUS, file));
    t.false(TERMINAL_UNSAFE.test(run.stdout + run.stderr), file);
    t.false(FAKE_PIECES.some((p) => (run.stdout + run.stderr).includes(p)), file);
    t.is(run.code, 1, `${file}: would be refused`);
    t.regex(run.stdout, /^problem: this SAS /m, file);
    await inspectBoth(t, readFileSync(join(CORPUS, file), "utf8"), file);
  }
  // The OSC 52 clipboard write in sp is cut out of the field line whole, and named, escaped, in the problem.
  const osc = await runCli("sas", "inspect", join(CORPUS, "osc52-in-sp-raw.sas"));
  t.regex(osc.stdout, /^grants {4}sp=cw on sr=c$/m);
  t.regex(osc.stdout, /problem: this SAS has sp= that is not permission letters \(racwdxyltmeopi\): "cw\\u001b\]52;c;cm0gLXJmIH4=\\u0007"/);
});

test("a file that never ends or is far too long is refused after 64 KiB, saying what to pass instead", async (t) => {
  const huge = join(work, "huge.sas");
  writeFileSync(huge, `${urlOf(BASE)}${"&".repeat(200_000)}`);
  for (const source of ["/dev/zero", huge]) {
    const run = await runCli("sas", "inspect", source);
    t.is(run.code, 2, source);
    t.regex(run.stderr, /holds more than 64 KiB: a SAS URL is about 500 characters/, source);
    t.regex(run.stderr, /hint: pass the file `oclog sas issue --out` wrote/, source);
  }
});
