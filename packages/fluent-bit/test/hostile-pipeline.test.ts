// Issue 20, `oclog fluent-bit validate`: seeded random mutations of the openclaw-vm pipeline that
// break the allowed data flow (another output; a filter that drops or rewrites records on the way
// to the blob output). Each must be flagged at the plugin it added, through YAML as validate reads
// files, all at once when several are made; `allow` turns exactly that finding into a warning
// carrying its reason. Harmless additions (and filters off the blob's way) must stay clean.
import test from "ava";
import { stringify } from "yaml";
import { Dice } from "../../../test/hostile/hostile-random.js";
import { LINT_RULES, formatDiagnostic, parseAllowance, presetNamed, validateYaml, type FluentBitConfig, type PluginInstance } from "./preset-fixture.js";

const VERSION = "5.1.1";
const RULE_IDS = LINT_RULES.map((rule) => rule.id);
const fresh = (): FluentBitConfig => structuredClone(presetNamed("openclaw-vm").build({ fluentBitVersion: VERSION }));

/** Matches that put a filter on the blob output's way: every input's tag, globs over them, and `*`. */
const ON_THE_WAY = ["*", "openclaw.*", "openclaw.gateway", "openclaw.nginx", "openclaw.egress", "openclaw.journal", "openclaw.config-audit", "openclaw.transcript", "open*"];

type Breaker = { kind: "outputs" | "filters"; rule: string; make(dice: Dice, match: string): PluginInstance };

const BREAKERS: Breaker[] = [
  { kind: "outputs", rule: "data-flow/output", make: (d, match) => ({ name: d.pick(["stdout", "null", "file", "counter"]), match }) },
  { kind: "outputs", rule: "data-flow/output", make: (d, match) => ({ name: "http", match, host: d.pick(["203.0.113.7", "127.0.0.1"]), port: 443, retry_limit: "no_limits", "storage.total_limit_size": "1G", tls: "on" }) },
  { kind: "outputs", rule: "data-flow/output", make: (_, match) => ({ ...fresh().pipeline.outputs[0]!, match, account_name: "otheraccount", container_name: "loot" }) },
  { kind: "filters", rule: "data-flow/filter", make: (d, match) => ({ name: "grep", match, exclude: `${d.pick(["message", "log", "oclog_raw"])} ${d.pick(["curl", ".*", "token"])}` }) },
  { kind: "filters", rule: "data-flow/filter", make: (_, match) => ({ name: "grep", match, regex: "message ^keep" }) },
  { kind: "filters", rule: "data-flow/filter", make: (d, match) => ({ name: "modify", match, [d.pick(["remove", "remove_wildcard", "remove_regex", "rename", "hard_rename", "set", "hard_copy"])]: d.pick(["oclog_raw x", "oclog_user bob", "message"]) }) },
  { kind: "filters", rule: "data-flow/filter", make: (d, match) => ({ name: "lua", match, script: d.pick(["/tmp/x.lua", "/usr/local/lib/oclog/redact.lua"]), call: d.pick(["cb", "drop"]) }) },
  { kind: "filters", rule: "data-flow/filter", make: (_, match) => ({ name: "lua", match, script: "/usr/local/lib/oclog/redact.lua", call: "redact", code: "function redact() return -1 end" }) },
  { kind: "filters", rule: "data-flow/filter", make: (d, match) => ({ name: "nest", match, operation: d.pick(["nest", "lift"]), ...(d.chance(0.5) ? { wildcard: "oclog_*", nest_under: "x" } : { nested_under: "x" }) }) },
  { kind: "filters", rule: "data-flow/filter", make: (d, match) => ({ name: "record_modifier", match, [d.pick(["remove_key", "allowlist_key", "whitelist_key"])]: "oclog_user" }) },
  { kind: "filters", rule: "data-flow/filter", make: (d, match) => ({ name: "rewrite_tag", match, rule: `$message .* ${d.pick(["hidden.x", "openclaw.other", "$TAG.moved"])} ${d.pick(["false", "off", ""])}`.trim() }) },
  { kind: "filters", rule: "data-flow/filter", make: (_, match) => ({ name: "throttle", match, rate: 1, window: 5 }) },
  { kind: "filters", rule: "data-flow/filter", make: (_, match) => ({ name: "parser", match, key_name: "log", parser: "oclog_gateway" }) },
];

/** Additions that neither drop, rewrite nor ship: they must not be flagged. */
const HARMLESS: ((dice: Dice, match: string) => PluginInstance)[] = [
  (_, match) => ({ name: "modify", match, add: "oclog_note seen" }),
  (_, match) => ({ name: "record_modifier", match, record: "oclog_note seen" }),
  (_, match) => ({ name: "rewrite_tag", match, rule: "$message ^x copy.x true" }),
  (_, match) => ({ name: "parser", match, key_name: "log", parser: "oclog_gateway", reserve_data: true, preserve_key: true }),
  // Off the blob's way: no input carries debug.*, and forwarded tags under it never reach openclaw.*.
  (d) => ({ name: d.pick(["grep", "throttle"]), match: "debug.*", exclude: "message x", rate: 1, window: 5 }),
];

function insert(config: FluentBitConfig, kind: "outputs" | "filters", dice: Dice, instance: PluginInstance): number {
  const list = config.pipeline[kind]!;
  const at = dice.int(0, list.length);
  list.splice(at, 0, instance);
  return at;
}

const SEEDS = 100;

test(`${SEEDS} seeded breaks of the data flow are each flagged at the plugin added, and allowed only by name and reason`, (t) => {
  for (let seed = 0; seed < SEEDS; seed++) {
    const dice = new Dice(`fluent-bit-flow:${seed}`);
    const config = fresh();
    const breaker = dice.pick(BREAKERS);
    const alias = `added_${seed}`;
    const instance = { ...breaker.make(dice, dice.pick(ON_THE_WAY)), alias };
    // An output added before the preset's own azure_blob would make it "the" blob output: outputs go after it.
    const at = breaker.kind === "outputs" ? (config.pipeline.outputs.push(instance), config.pipeline.outputs.length - 1) : insert(config, "filters", dice, instance);
    const why = `seed ${seed}: ${JSON.stringify(instance)}`;
    const text = stringify(config);
    const report = validateYaml(text, VERSION, `seed-${seed}.yaml`);
    const flagged = report.diagnostics.filter((d) => d.rule === breaker.rule && d.severity === "error");
    t.is(flagged.length, 1, `${why}\n${report.diagnostics.map(formatDiagnostic).join("\n")}`);
    t.is(flagged[0]?.location.section, `pipeline.${breaker.kind}[${at}]`, why);
    t.is(flagged[0]?.location.alias, alias, why);
    t.regex(flagged[0]?.hint ?? "", new RegExp(`--allow ${breaker.rule}@${alias}:`), why);
    // Allowed by rule, alias and reason: a warning that keeps the reason; nothing else changes.
    const allowed = validateYaml(text, VERSION, `seed-${seed}.yaml`, { allow: [parseAllowance(`${breaker.rule}@${alias}:seeded test ${seed}`, RULE_IDS)] });
    t.is(allowed.errors, report.errors - 1, why);
    t.like(allowed.diagnostics.find((d) => d.location.alias === alias && d.rule === breaker.rule), { severity: "warning", allowed: `seeded test ${seed}` }, why);
    // An allowance for another plugin does not cover it, and is itself reported as unused.
    const elsewhere = validateYaml(text, VERSION, undefined, { allow: [parseAllowance(`${breaker.rule}@someone_else:not this one`, RULE_IDS)] });
    t.is(elsewhere.errors, report.errors, why);
    t.true(elsewhere.diagnostics.some((d) => d.rule === "allow/unused"), why);
  }
});

test("seeded re-tags and narrowed matches that leave a source unshipped are flagged at the input", (t) => {
  for (let seed = 0; seed < 30; seed++) {
    const dice = new Dice(`fluent-bit-unshipped:${seed}`);
    const config = fresh();
    const tagged = config.pipeline.inputs.map((input, index) => ({ input, index })).filter(({ input }) => input.name !== "forward");
    const { input, index } = dice.pick(tagged);
    const before = String(input.tag);
    if (dice.chance(0.5)) {
      input.tag = dice.pick(["nginx.access", "gateway", "hidden.openclaw.gateway", "openclaw", "Openclaw.gateway"]);
    } else {
      // The blob output narrowed to one source: every other tagged input is left out.
      config.pipeline.outputs[0]!.match = before;
    }
    const report = validateYaml(stringify(config), VERSION);
    const unshipped = report.diagnostics.filter((d) => d.rule === "data-flow/unshipped");
    t.true(unshipped.length >= 1, `seed ${seed}: ${report.diagnostics.map(formatDiagnostic).join("\n")}`);
    for (const d of unshipped) t.regex(d.location.section, /^pipeline\.inputs\[\d+\]$/, `seed ${seed}`);
    if (input.tag !== before) t.true(unshipped.some((d) => d.location.section === `pipeline.inputs[${index}]`), `seed ${seed}`);
  }
});

test("several breaks at once are all reported", (t) => {
  const dice = new Dice("fluent-bit-flow:many");
  const config = fresh();
  const aliases: string[] = [];
  for (let i = 0; i < 6; i++) {
    const breaker = BREAKERS[i * 2]!;
    const instance = { ...breaker.make(dice, "*"), alias: `many_${i}` };
    if (breaker.kind === "outputs") config.pipeline.outputs.push(instance);
    else insert(config, "filters", dice, instance);
    aliases.push(`many_${i}`);
  }
  const report = validateYaml(stringify(config), VERSION);
  t.deepEqual([...new Set(report.diagnostics.filter((d) => d.rule.startsWith("data-flow/")).map((d) => d.location.alias))].sort(), aliases.sort());
});

test("harmless additions and filters off the blob output's way stay clean", (t) => {
  for (let seed = 0; seed < 40; seed++) {
    const dice = new Dice(`fluent-bit-harmless:${seed}`);
    const config = fresh();
    insert(config, "filters", dice, { ...dice.pick(HARMLESS)(dice, dice.pick(ON_THE_WAY)), alias: `ok_${seed}` });
    const report = validateYaml(stringify(config), VERSION);
    t.deepEqual(report.diagnostics.filter((d) => d.rule.startsWith("data-flow/")).map(formatDiagnostic), [], `seed ${seed}`);
  }
});

test("--allow is parsed strictly: known rule, one line of reason", (t) => {
  t.deepEqual(parseAllowance("data-flow/output@debug:local debugging", RULE_IDS), { rule: "data-flow/output", target: "debug", reason: "local debugging" });
  t.deepEqual(parseAllowance("data-flow/filter:all of them, for the lab", RULE_IDS), { rule: "data-flow/filter", reason: "all of them, for the lab" });
  t.throws(() => parseAllowance("data-flow/outptu@x:why", RULE_IDS), { message: /names no lint rule "data-flow\/outptu"; did you mean "data-flow\/output"\?/ });
  t.throws(() => parseAllowance("data-flow/output@x:", RULE_IDS), { message: /needs a reason/ });
  t.throws(() => parseAllowance("data-flow/output@x:ok\n\x1b[2Jforged", RULE_IDS), { message: /needs a reason/ });
  t.throws(() => parseAllowance("no colon at all", RULE_IDS), { message: /--allow takes <rule>\[@<alias>\]:<reason>/ });
});
