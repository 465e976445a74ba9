// `oclog sas install` as the VM runs it: its own process, the SAS URL on stdin (test/pipeline's
// runOclog, as the shipping rig does). A token with every issue-20 refusal is refused with all of
// them in one message before anything is written or reloaded; a token install accepts but inspect
// warns about is installed, the same warnings printed, and a real Fluent Bit 5.1.1 hot-reloaded.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { runOclog } from "../../../test/pipeline/oclog-child.js";
import { startReloadableFluentBit } from "@oclog/test-kit/fluent-bit";
import { ACCOUNT_URL, DAY, FAKE_SIG, sdkFields, urlOf, withField } from "@oclog/test-kit/sas";
import { runCli } from "./run-cli.js";

// eslint-disable-next-line no-control-regex
const TERMINAL_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const FAKE_PIECES = Array.from({ length: FAKE_SIG.length - 11 }, (_, i) => FAKE_SIG.slice(i, i + 12));

function vmPaths() {
  const root = mkdtempSync(join(tmpdir(), "oclog-sas-install-cli-"));
  return { include: join(root, "etc/fluent-bit/oclog-sas.yaml"), state: join(root, "run/oclog/sas-state.json") };
}

const installArgs = (paths: { include: string; state: string }, reloadUrl: string, json = false) =>
  // `false`: a reload that does not take fails the install instead of restarting anything.
  ["sas", "install", "--container", "oclog-alice", "--include", paths.include, "--state-file", paths.state, "--reload-url", reloadUrl, "--restart-command", "false", ...(json ? ["--json"] : [])];

test("install refuses a token with every issue-20 problem, naming all of them at once, before writing or reloading anything", async (t) => {
  const now = new Date();
  let fields = sdkFields(now, { lifetimeMs: 30 * DAY });
  fields = withField(withField(withField(fields, "sr", undefined), "ss", "b"), "srt", "co"); // an account SAS
  fields = withField(fields, "spr", "https,http");
  fields = withField(fields, "st", new Date(now.getTime() + DAY).toISOString().replace(/\.\d{3}Z$/, "Z")); // starts tomorrow
  fields = withField(fields, "skoid", "\u202egnp.exe\x1b]52;c;cm0gLXJmIH4=\x07"); // escapes where a GUID belongs
  const token = `${urlOf(fields, `${ACCOUNT_URL}/oclog-alice`)}#sig=${encodeURIComponent(FAKE_SIG)}${"&".repeat(2100)}`;
  const paths = vmPaths();
  // Port 9 on loopback: nothing listens, so a reload asked would fail the install differently.
  const run = await runOclog(installArgs(paths, "http://127.0.0.1:9"), { input: `${token}\n` });
  t.is(run.code, 2, run.stderr.slice(0, 2000));
  t.is(run.stdout, "");
  for (const reason of [
    /it has a fragment \(#\.\.\.\)/,
    /it has skoid= that is not an object id \(GUID\): "\\u202egnp\.exe\\u001b\]52;c;cm0gLXJmIH4=\\u0007"/,
    /it carries its signature \(or a sig=\) outside the sig parameter/,
    /it is \d{4} characters long, more than the 2048 any SAS needs/,
    /it is an account SAS \(ss\/srt\)/,
    /it allows https,http \(spr\): a shipping SAS must be https only/,
    /it starts at .*, 14\d\d minutes from now/,
    /it lives 29\.0 days, more than the 7-day policy/, // from its start, tomorrow
  ]) t.regex(run.stderr, reason);
  t.regex(run.stderr, /^oclog: refusing this SAS: /);
  t.regex(run.stderr, /^hint: issue a new one on the host: oclog sas issue/m);
  t.false(TERMINAL_UNSAFE.test(run.stderr), "nothing a terminal acts on");
  t.false(FAKE_PIECES.some((p) => run.stderr.includes(p)), "the signature is never printed");
  t.false(existsSync(paths.state), "no state file");
  t.false(existsSync(paths.include), "no include");
});

test.serial("install accepts a token inspect only warns about, prints the same warnings, and hot-reloads a real Fluent Bit", async (t) => {
  const fluentBit = await startReloadableFluentBit();
  t.teardown(() => fluentBit.close());
  const token = urlOf(withField(sdkFields(new Date()), "spr", undefined)); // no spr: Azure then takes http too
  const file = join(mkdtempSync(join(tmpdir(), "oclog-sas-warn-")), "alice.sas");
  writeFileSync(file, `${token}\n`);
  const inspected = await runCli("sas", "inspect", file);
  t.is(inspected.code, 0, "inspect: fine, with a warning");
  const inspectWarnings = inspected.stdout.split("\n").filter((l) => l.startsWith("warning: "));
  t.deepEqual(inspectWarnings, ["warning: this SAS names no protocol (spr): Azure then accepts plain http too; issue it https only"]);

  const paths = vmPaths();
  const before = await fluentBit.reloads();
  const text = await runOclog(installArgs(paths, fluentBit.url), { input: `${token}\n` });
  t.is(text.code, 0, text.stderr);
  t.deepEqual(text.stderr.split("\n").filter((l) => l.startsWith("warning: ")), inspectWarnings, "install prints what inspect warns");
  t.regex(text.stdout, /^installed SAS sha256:[0-9a-f]{16} for oclog-alice, expires .*; Fluent Bit: hot-reload/);
  t.is(await fluentBit.reloads(), before + 1);

  const json = await runOclog(installArgs(vmPaths(), fluentBit.url, true), { input: `${token}\n` });
  t.is(json.code, 0, json.stderr);
  const summary = JSON.parse(json.stdout) as { warnings: string[]; reload: { method: string } };
  t.deepEqual(summary.warnings, ["names no protocol (spr): Azure then accepts plain http too; issue it https only"]);
  t.is(summary.reload.method, "hot-reload");
  t.false(FAKE_PIECES.some((p) => text.stdout.includes(p) || text.stderr.includes(p) || json.stdout.includes(p) || json.stderr.includes(p)));
  t.false(FAKE_PIECES.some((p) => readFileSync(paths.state, "utf8").includes(p)), "no signature in the 0644 state");
});
