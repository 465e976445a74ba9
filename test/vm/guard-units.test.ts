// The guard's systemd units, checked by the real systemd-analyze: exposure score (offline),
// the timer's schedule (calendar), and that systemd parses both without complaint (verify).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import test from "ava";
import { systemdAnalyze, exposure } from "./systemd-analyze.js";

const SERVICE = fileURLToPath(new URL("../../vm/systemd/oclog-guard.service", import.meta.url));
const TIMER = fileURLToPath(new URL("../../vm/systemd/oclog-guard.timer", import.meta.url));

/** A copy of the service with some lines changed, in a temp dir (systemd-analyze needs an absolute path ending in .service). */
function variant(name: string, edit: (unit: string) => string): string {
  const path = join(mkdtempSync(join(tmpdir(), "oclog-guard-unit-")), `${name}.service`);
  writeFileSync(path, edit(readFileSync(SERVICE, "utf8")));
  return path;
}

test("oclog-guard.service exposure is at most 2.5", (t) => {
  const score = exposure(SERVICE);
  t.log(`exposure ${score}`);
  t.true(score <= 2.5, `exposure ${score} > 2.5`);
});

test("the same unit without its sandbox scores above 2.5, so the check can fail", (t) => {
  const loose = variant("oclog-guard-loose", (unit) => unit.split("\n").filter((line) => /^(\[|#|$|Description|Documentation|After|Type|ExecStart|TimeoutStartSec|User|Group|StateDirectory|UMask)/.test(line)).join("\n"));
  const score = exposure(loose);
  t.log(`without the sandbox: ${score}`);
  t.true(score > 2.5);
});

test("the documented stop-gateway variant (AF_UNIX for D-Bus) stays at most 2.5", (t) => {
  const enforcing = variant("oclog-guard-enforce", (unit) =>
    unit
      .replace(/^RestrictAddressFamilies=AF_INET$/m, "RestrictAddressFamilies=AF_INET AF_UNIX")
      .replace(/--enforce none$/m, "--enforce stop-gateway"),
  );
  t.regex(readFileSync(enforcing, "utf8"), /^RestrictAddressFamilies=AF_INET AF_UNIX$/m);
  const score = exposure(enforcing);
  t.log(`with --enforce stop-gateway: ${score}`);
  t.true(score <= 2.5);
});

test("the unit writes only the state file's directory and its own state, and reaches only localhost over IPv4", (t) => {
  const unit = readFileSync(SERVICE, "utf8");
  t.regex(unit, /^Type=oneshot$/m);
  t.regex(unit, /^User=oclog-guard$/m);
  t.regex(unit, /^Group=oclog-state$/m);
  t.regex(unit, /^ProtectSystem=strict$/m);
  t.deepEqual(unit.match(/^ReadWritePaths=.*$/gm), ["ReadWritePaths=-/run/oclog"]);
  t.regex(unit, /^StateDirectory=oclog-guard$/m);
  t.regex(unit, /^RestrictAddressFamilies=AF_INET$/m);
  t.regex(unit, /^IPAddressAllow=localhost$/m);
  t.regex(unit, /^IPAddressDeny=any$/m);
  t.regex(
    unit,
    /^ExecStart=\/opt\/oclog\/bin\/oclog guard --state-file \/run\/oclog\/sas-state\.json --metrics-url http:\/\/127\.0\.0\.1:2020\/api\/v1\/metrics --history \/var\/lib\/oclog-guard\/history\.json --failing-after-minutes 10 --enforce none$/m,
  );
  t.notRegex(unit, /^MemoryDenyWriteExecute=yes/m, "Node's JIT needs W+X memory");
});

test("systemd parses both units; its only complaint is that /opt/oclog is not installed here", (t) => {
  const run = systemdAnalyze("verify", TIMER, SERVICE);
  const complaints = `${run.stdout}${run.stderr}`
    .split("\n")
    .filter((line) => line.trim() !== "" && !/Command \/opt\/oclog\/bin\/oclog is not executable/.test(line));
  t.deepEqual(complaints, []);
});

test("the timer starts oclog-guard.service every minute, on the minute", (t) => {
  const timer = readFileSync(TIMER, "utf8");
  t.regex(timer, /^Unit=oclog-guard\.service$/m);
  t.regex(timer, /^AccuracySec=1s$/m);
  const schedules = [...timer.matchAll(/^OnCalendar=(.+)$/gm)].map((match) => match[1]!);
  t.is(schedules.length, 1);
  t.deepEqual(timer.match(/^On(Boot|Startup|Active|UnitActive|UnitInactive)Sec=/gm), null, "the calendar is the only trigger");
  const run = systemdAnalyze("calendar", "--iterations=4", schedules[0]!);
  t.is(run.status, 0, run.stderr);
  t.regex(run.stdout, /Normalized form: \*-\*-\* \*:\*:00$/m);
  const elapses = [...run.stdout.matchAll(/(?:Next elapse|Iter\. #\d+): \w+ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC/g)].map((match) => Date.parse(`${match[1]!.replace(" ", "T")}Z`));
  t.is(elapses.length, 4);
  for (let i = 1; i < elapses.length; i++) t.is(elapses[i]! - elapses[i - 1]!, 60_000);
  t.is(new Date(elapses[0]!).getUTCSeconds(), 0);
});
