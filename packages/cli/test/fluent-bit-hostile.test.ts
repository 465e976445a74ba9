// Issue 20 through the CLI: a hostile --param is a usage error (exit 2) naming the parameter, with
// nothing printed on stdout; validate's --allow accepts one finding by rule, alias and reason, shows
// the reason, and is documented in --help with an example.
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { runCli } from "./run-cli.js";

const CORPUS = new URL("../../../test/hostile/corpus/fluent-bit/", import.meta.url);
const work = mkdtempSync(join(tmpdir(), "oclog-cli-fb-hostile-"));

test("generate: a newline or a ${...} in --param host is refused (exit 2), escaped, and nothing is generated", async (t) => {
  for (const value of ["vm-alice\nenv:\n  HOSTNAME: vm-bob", "${OCLOG_SAS_TOKEN}", "\x1b]52;c;cm0gLXJmIH4=\x07"]) {
    const run = await runCli("fluent-bit", "generate", "--param", `host=${value}`);
    t.is(run.code, 2, run.stderr);
    t.is(run.stdout, "");
    t.regex(run.stderr, /host is "/);
    t.false(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/.test(run.stderr), JSON.stringify(run.stderr));
  }
});

test("validate: an extra output fails (exit 1) until --allow names it with a reason, which is shown", async (t) => {
  const file = join(work, "extra-output-http.yaml");
  copyFileSync(new URL("extra-output-http.yaml", CORPUS), file);
  const failing = await runCli("fluent-bit", "validate", file);
  t.is(failing.code, 1);
  t.regex(failing.stdout, /error +pipeline\.outputs\[1\] http "exfil": records leave through http .*\[data-flow\/output\]\n +hint: remove it, or allow it with a reason: --allow data-flow\/output@exfil:/);
  const allowed = await runCli("fluent-bit", "validate", "--allow", "data-flow/output@exfil:the lab's collector, reviewed in #42", file);
  t.is(allowed.code, 0, allowed.stdout);
  t.regex(allowed.stdout, /warning pipeline\.outputs\[1\] http "exfil": .*\[data-flow\/output\]\n +allowed: the lab's collector, reviewed in #42/);
  t.regex(allowed.stdout, /0 error\(s\), 1 warning\(s\) \(1 allowed by --allow\)/);
  const json = await runCli("fluent-bit", "validate", "--json", "--allow", "data-flow/output@exfil:lab", file);
  t.like(JSON.parse(json.stdout), { errors: 0, diagnostics: [{ rule: "data-flow/output", severity: "warning", allowed: "lab" }] });
});

test("validate: malformed --allow flags are usage errors, all reported at once", async (t) => {
  const file = join(work, "grep-exclude.yaml");
  copyFileSync(new URL("grep-exclude.yaml", CORPUS), file);
  const run = await runCli("fluent-bit", "validate", "--allow", "data-flow/filtr@quiet:x y z", "--allow", "data-flow/filter@quiet:", file);
  t.is(run.code, 2);
  t.regex(run.stderr, /did you mean "data-flow\/filter"\?.*needs a reason/s);
});

test("validate --help documents the allowed data flow and --allow with an example", async (t) => {
  const help = await runCli("fluent-bit", "validate", "--help");
  t.regex(help.stdout, /--allow <rule\[@alias\]:reason>/);
  t.regex(help.stdout, /Examples:[\s\S]*--allow 'data-flow\/output@debug:/);
});
