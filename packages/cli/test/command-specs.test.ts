// Commands are typed specs: the option builders give each command's `run` exactly typed values, the
// keys must be commander's names for the flags, and durations read the same everywhere.
import test from "ava";
import { Command } from "commander";
import { COMMANDS } from "../src/program.js";
import { guardSpec } from "../src/commands/guard.command.js";
import { huntSpec } from "../src/commands/hunt.command.js";
import { investigateSpec } from "../src/commands/investigate.command.js";
import { sqlSpec } from "../src/commands/sql.command.js";
import { defineCommand, variadic, type ArgumentValues } from "../src/spec/command-spec.js";
import { option, type OptionValues } from "../src/spec/option-spec.js";
import { runCli } from "./run-cli.js";

// Commands here never print: the probes only record what run receives.
const silent = { out: () => {}, err: () => {} };

// Type-level checks, enforced by `tsc -p tsconfig.test.json`: Equal<A, B> is true only for identical types.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

test("each option builder gives its command the type the flag can hold (checked by tsc)", (t) => {
  expectType<Equal<OptionValues<typeof sqlSpec.options>, { json: boolean; maxRows: number }>>();
  expectType<Equal<ArgumentValues<NonNullable<typeof sqlSpec.arguments>>, readonly [string, string]>>();
  type Investigate = OptionValues<typeof investigateSpec.options>;
  expectType<Equal<Investigate["user"], string>>(); // required
  expectType<Equal<Investigate["since"], string | undefined>>(); // no default
  expectType<Equal<Investigate["concurrency"], number>>(); // default imported from @oclog/investigate
  expectType<Equal<Investigate["format"], "text" | "json" | "md" | "html">>();
  expectType<Equal<Investigate["failOn"], "informational" | "low" | "medium" | "high" | "critical" | undefined>>();
  expectType<Equal<Investigate["progress"], boolean>>(); // --no-progress
  type Hunt = OptionValues<typeof huntSpec.options>;
  expectType<Equal<Hunt["detection"], string[]>>(); // repeatable
  expectType<Equal<Hunt["since"], string>>();
  type Guard = OptionValues<typeof guardSpec.options>;
  expectType<Equal<Guard["failingAfterMinutes"], number | undefined>>();
  expectType<Equal<Guard["enforce"], "none" | "stop-gateway">>();
  // @ts-expect-error a --json flag is a boolean, never a string
  expectType<Equal<OptionValues<typeof sqlSpec.options>["json"], string>>();
  t.pass();
});

test("run receives the values the spec declares: absent switches false, lists [], defaults applied", async (t) => {
  let seen: unknown;
  const spec = defineCommand({
    name: "probe",
    description: "test",
    arguments: [variadic("<files...>", "files")],
    options: {
      json: option.flag("--json", "json"),
      progress: option.negated("--no-progress", "no bar"),
      tag: option.list("--tag <t>", "tags"),
      depth: option.positiveInt("--depth <n>", "depth", 3),
      mode: option.choice("--mode <m>", "mode", ["a", "b"], "a"),
      name: option.string("--name <n>", "name"),
    },
    async run(input) {
      seen = input;
    },
  });
  const program = new Command("oclog").exitOverride();
  spec.register(program, silent);
  await program.parseAsync(["node", "oclog", "probe", "x", "y", "--tag", "p", "--tag", "q", "--mode", "b"]);
  t.deepEqual(seen, { args: [["x", "y"]], opts: { json: false, progress: true, tag: ["p", "q"], depth: 3, mode: "b", name: undefined } });
});

test("an option key that is not commander's name for the flag is refused when the command is registered", (t) => {
  const spec = defineCommand({ name: "probe", description: "test", options: { maxRow: option.positiveInt("--max-rows <n>", "rows", 1) }, run: async () => {} });
  const error = t.throws(() => spec.register(new Command("oclog"), silent));
  t.regex(error.message, /option key "maxRow" does not match --max-rows <n> \("maxRows"\)/);
});

test("every command of the program registers (all keys match their flags) and lists in the original order", (t) => {
  t.deepEqual(
    COMMANDS.map((c) => c.name),
    ["schema", "investigate", "hunt", "ingest", "fluent-bit", "collect", "sas", "guard", "case", "sql", "sessions", "session", "demo"],
  );
  const program = new Command("oclog");
  for (const c of COMMANDS) t.notThrows(() => c.register(program, silent), c.name);
});

test("--since takes the same durations as --threshold: hunt --since 30s is a 30-second window", async (t) => {
  const result = await runCli("hunt", "--dry-run", "--all", "--since", "30s", "--json");
  t.is(result.code, 0, result.stderr);
  const queries = JSON.parse(result.stdout) as { timespan: { start: string; end: string } }[];
  t.true(queries.length > 0);
  for (const q of queries) t.is(Date.parse(q.timespan.end) - Date.parse(q.timespan.start), 30_000);
});

test("a bad duration names its flag and shows the one grammar's examples", async (t) => {
  const result = await runCli("guard", "--failing-after", "5y", "--state-file", "/nonexistent/state.json");
  t.is(result.code, 2);
  t.regex(result.stderr, /--failing-after "5y" is not a duration/);
  t.regex(result.stderr, /hint: e\.g\. 30s, 90m, 36h, 7d, 2w/);
});
