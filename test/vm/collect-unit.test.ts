// The collector's systemd unit, scored by the real `systemd-analyze security --offline=yes`.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import test from "ava";
import { exposure } from "./systemd-analyze.js";

const UNIT = fileURLToPath(new URL("../../vm/systemd/oclog-collect.service", import.meta.url));

test("oclog-collect.service exposure is at most 2.5", (t) => {
  const score = exposure(UNIT);
  t.log(`exposure ${score}`);
  t.true(score <= 2.5, `exposure ${score} > 2.5`);
});

test("the unit reads OpenClaw's state read-only, writes only its own state, and reaches only a unix socket", (t) => {
  const unit = readFileSync(UNIT, "utf8");
  t.regex(unit, /^ReadOnlyPaths=\/var\/lib\/openclaw$/m);
  t.regex(unit, /^ProtectSystem=strict$/m);
  t.regex(unit, /^StateDirectory=oclog-collect$/m);
  t.regex(unit, /^RestrictAddressFamilies=AF_UNIX$/m);
  t.regex(unit, /^ExecStart=\S+ collect --state-dir \/var\/lib\/openclaw\/\.openclaw --socket \/run\/fluent-bit\/forward\.sock --collector-state \/var\/lib\/oclog-collect$/m);
  t.notRegex(unit, /^MemoryDenyWriteExecute=yes/m, "Node's JIT needs W+X memory");
});

test("a unit that drops the sandbox scores worse, so the check can fail", (t) => {
  const loose = fileURLToPath(new URL("./fixtures/loose.service", import.meta.url));
  t.true(exposure(loose) > 2.5);
});
