// Every command's --help, pinned: moving a flag, default or example shows up here as a diff
// (update on purpose with `pnpm exec ava --update-snapshots packages/cli/test/help-output.test.ts`).
import test from "ava";
import { runCli } from "./run-cli.js";

const COMMAND_PATHS = [
  [], ["schema"], ["schema", "validate"], ["schema", "export"], ["investigate"], ["hunt"], ["ingest"],
  ["fluent-bit"], ["fluent-bit", "generate"], ["fluent-bit", "validate"], ["fluent-bit", "check"], ["collect"],
  ["sas"], ["sas", "inspect"], ["sas", "issue"], ["sas", "install"], ["sas", "rotate"], ["sas", "schedule"],
  ["guard"], ["case"], ["case", "verify"], ["sql"], ["sessions"], ["session"], ["demo"],
];

for (const path of COMMAND_PATHS) {
  test(`oclog ${path.join(" ")} --help`, async (t) => {
    const result = await runCli(...path, "--help");
    t.is(result.code, 0);
    t.is(result.stderr, "");
    t.snapshot(result.stdout);
  });
}
