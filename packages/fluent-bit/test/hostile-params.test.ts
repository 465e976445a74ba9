// Issue 20, `oclog fluent-bit generate --param`: seeded hostile values (test/hostile/hostile-random.ts)
// spliced into real parameter values. Each is refused with a UsageError naming the parameter and what
// it may hold, or rendered into YAML that reads back as exactly the intended configuration with the
// value intact, which validate passes and real Fluent Bit starts on.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import test from "ava";
import { parse } from "yaml";
import { UsageError } from "@oclog/errors";
import { Dice, HOSTILE_STRINGS, hostileString } from "../../../test/hostile/hostile-random.js";
import { OPENCLAW_VM_PARAMS, REDACT_LUA, presetNamed, renderPreset, renderYaml, validateYaml, type FluentBitConfig } from "./preset-fixture.js";
import { startsOn } from "./fluent-bit-start.js";

const VERSION = "5.1.1";

/** A real value for every parameter: what an operator passes. */
const REAL: Record<string, string> = {
  user: "alice",
  host: "vm-alice",
  storage_account: "acmelogs",
  container: "oclog-alice",
  endpoint: "https://acmelogs.blob.core.windows.net",
  emulator_mode: "off",
  tls_ca_file: "/etc/ssl/certs/ca-certificates.crt",
  sas_include: "oclog-sas.yaml",
  params_include: "oclog-params.yaml",
  lua_dir: "/usr/local/lib/oclog",
  gateway_logs: "/var/log/openclaw",
  config_audit: "/var/lib/openclaw/.openclaw/logs/config-audit.jsonl",
  nginx_access_log: "/var/log/nginx/access.json",
  forward_socket: "/run/fluent-bit/forward.sock",
  state_dir: "/var/lib/fluent-bit",
  journal_dir: "/var/log/journal",
  http_port: "2020",
  buffer_limit: "2G",
  journal_units: "openclaw.service,nginx.service",
  azure_logs: "on",
  azure_tenant_id: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  azure_client_id: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
  azure_dce_url: "https://oclog-dce-abcd.westeurope-1.ingest.monitor.azure.com",
  azure_dcr_id: "dcr-00112233445566778899aabbccddeeff",
  azure_stream: "Custom-OclogRaw_CL",
  azure_logs_include: "oclog-azure-logs.yaml",
  azure_buffer_limit: "1G",
};

/** Parameters whose accepted values real Fluent Bit can start on here: no file to find, no port to bind, no host to reach. */
const STARTABLE = new Set(["user", "host", "storage_account", "container", "emulator_mode", "buffer_limit", "journal_units"]);

/** Booleans as the YAML writer spells them, so the model compares with what is read back. */
function asRendered(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_, v: unknown) => (typeof v === "boolean" ? (v ? "on" : "off") : v)));
}

function leaves(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value && typeof value === "object") return Object.values(value).flatMap(leaves);
  return [];
}

type Outcome = { refused: UsageError } | { yaml: string; config: FluentBitConfig };

function generate(params: Record<string, string>): Outcome {
  try {
    const config = presetNamed("openclaw-vm").build({ fluentBitVersion: VERSION, params });
    return { yaml: renderPreset("openclaw-vm", VERSION, params), config };
  } catch (error) {
    if (error instanceof UsageError) return { refused: error };
    throw error;
  }
}

/** The checks every outcome gets; returns the YAML when the value was accepted. */
function check(t: import("ava").ExecutionContext, name: string, value: string, why: string): string | undefined {
  const params = name.startsWith("azure_") && name !== "azure_logs" ? { azure_logs: "on", [name]: value } : { [name]: value };
  const outcome = generate(params);
  if ("refused" in outcome) {
    const { message, hint } = outcome.refused;
    t.true(message.includes(`${name} is `), `${why}: the error names the parameter: ${message}`);
    t.regex(message, /: (not |it holds a \$\{\.\.\.\} reference)/, why);
    t.regex(hint ?? "", /--help/, why);
    // What the user typed comes back escaped and cut: no terminal escape, no 70,000 characters.
    t.false(/[^\x20-\x7e]/.test(message), `${why}: raw control or non-ASCII character in ${JSON.stringify(message.slice(0, 200))}`);
    t.true(message.length < 600, why);
    return undefined;
  }
  const readBack = parse(outcome.yaml, { uniqueKeys: true }) as unknown;
  t.deepEqual(readBack, asRendered(outcome.config), `${why}: the YAML reads back as the configuration`);
  // journal_units is split into one systemd filter per unit, azure_stream loses its Custom-
  // (Fluent Bit adds it back); every other value is kept whole.
  const parts = name === "journal_units" ? value.split(",").map((unit) => unit.trim()) : name === "azure_stream" ? [value.replace(/^Custom-/, "")] : [value];
  for (const part of parts) {
    t.true(leaves(readBack).some((leaf) => leaf.includes(part)), `${why}: the value is intact in the YAML`);
  }
  t.deepEqual(validateYaml(outcome.yaml, VERSION).diagnostics, [], why);
  return outcome.yaml;
}

/**
 * Path parameters, and what Fluent Bit needs at the path to start. An accepted value is started on
 * under the test's own directory (`<dir><value>`: still absolute, the value intact as its tail).
 */
const PATHS: Record<string, (path: string) => void> = {
  tls_ca_file: (path) => (mkdirSync(dirname(path), { recursive: true }), copyFileSync("/etc/ssl/certs/ca-certificates.crt", path)),
  lua_dir: (path) => (mkdirSync(path, { recursive: true }), copyFileSync(REDACT_LUA, join(path, "redact.lua"))),
  gateway_logs: (path) => void mkdirSync(path, { recursive: true }),
  config_audit: (path) => (mkdirSync(dirname(path), { recursive: true }), writeFileSync(path, "")),
  nginx_access_log: (path) => (mkdirSync(dirname(path), { recursive: true }), writeFileSync(path, "")),
  forward_socket: (path) => void mkdirSync(dirname(path), { recursive: true }),
  state_dir: (path) => void mkdirSync(path, { recursive: true }),
  journal_dir: (path) => void mkdirSync(path, { recursive: true }),
};

/** Accepted values real Fluent Bit must start on, from every test below: the pipeline for a directory. */
const startable = new Map<string, (dir: string) => string>();
function keepStartable(name: string, value: string, yaml: string | undefined): void {
  if (yaml === undefined) return;
  if (STARTABLE.has(name)) startable.set(`${name}=${JSON.stringify(value)}`, () => yaml);
  const prepare = PATHS[name];
  if (prepare && value !== "") {
    startable.set(`${name}=${JSON.stringify(value)}`, (dir) => {
      prepare(`${dir}${value}`);
      return renderPreset("openclaw-vm", VERSION, { [name]: `${dir}${value}` });
    });
  }
}

test.serial("every hostile string as every parameter: refused with a clear error, or rendered exactly", (t) => {
  let refused = 0;
  let accepted = 0;
  for (const name of Object.keys(OPENCLAW_VM_PARAMS)) {
    for (const bad of HOSTILE_STRINGS) {
      const yaml = check(t, name, bad, `${name}=${JSON.stringify(bad.slice(0, 40))}`);
      keepStartable(name, bad, yaml);
      if (yaml === undefined) refused++;
      else accepted++;
    }
  }
  // Only plain words pass (constructor, prototype as a host or user); everything else is refused.
  t.log(`${refused} refused, ${accepted} accepted`);
  t.true(accepted > 0 && refused > accepted * 10, `${refused} refused, ${accepted} accepted`);
});

test("the issue's two cases: a newline in host and a ${...} anywhere are refused", (t) => {
  for (const [name, value] of [["host", "vm\nenv:\n  HOSTNAME: evil"], ["host", "vm-alice\r\nforged: true"], ["host", "${OCLOG_SAS_TOKEN}"], ["user", "${OCLOG_SAS_TOKEN}"], ["lua_dir", "/opt/${HOME}"], ["journal_units", "openclaw.service,${X}.service"]] as const) {
    const outcome = generate({ [name]: value });
    t.true("refused" in outcome, `${name}=${JSON.stringify(value)} must be refused`);
  }
  t.throws(() => presetNamed("openclaw-vm").build({ fluentBitVersion: VERSION, params: { host: "${OCLOG_SAS_TOKEN}" } }), { instanceOf: UsageError, message: /host is "\$\{OCLOG_SAS_TOKEN\}": it holds a \$\{\.\.\.\} reference, which Fluent Bit would expand/ });
  // Every bad parameter at once, not the first.
  const error = t.throws(() => presetNamed("openclaw-vm").build({ fluentBitVersion: VERSION, params: { host: "a b", storage_account: "UPPER", http_port: "99999" } }), { instanceOf: UsageError });
  t.regex(error!.message, /host is "a b": not a host name.*storage_account is "UPPER": not an Azure storage account name.*http_port is "99999": not a TCP port/);
});

const SEEDS = 120;

test.serial(`${SEEDS} seeded hostile splices into real values: refused with a clear error, or rendered exactly`, (t) => {
  let accepted = 0;
  const acceptedValues: string[] = [];
  for (let seed = 0; seed < SEEDS; seed++) {
    const dice = new Dice(`fluent-bit-param:${seed}`);
    const name = dice.pick(Object.keys(REAL));
    const value = hostileString(dice, REAL[name]);
    const yaml = check(t, name, value, `seed ${seed}: ${name}=${JSON.stringify(value.slice(0, 60))}`);
    keepStartable(name, value, yaml);
    if (yaml !== undefined) {
      accepted++;
      acceptedValues.push(`${name}=${JSON.stringify(value)}`);
    }
  }
  t.log(`${SEEDS - accepted} refused, ${accepted} accepted: ${acceptedValues.join(", ")}`);
  // The real values themselves must all be accepted.
  for (const name of Object.keys(REAL)) {
    const yaml = check(t, name, REAL[name]!, `real ${name}`);
    t.truthy(yaml, `real ${name}=${REAL[name]} is refused`);
    keepStartable(name, REAL[name]!, yaml);
  }
});

test.serial("real Fluent Bit starts on every accepted value but ports, includes, URLs and the Azure Logs output's", async (t) => {
  t.true(startable.size > STARTABLE.size + Object.keys(PATHS).length, `only ${startable.size} accepted values to start on`);
  t.log(`starting real Fluent Bit on ${startable.size} accepted values: ${[...startable.keys()].join(", ")}`);
  // The check can fail: a pipeline whose redact.lua is not there does not start.
  await t.throwsAsync(startsOn(renderPreset("openclaw-vm", VERSION, { lua_dir: "/nonexistent/oclog-lua" })), { message: /exited at start-up/ });
  // Three at a time: each is its own process, directory and port.
  const queue = [...startable];
  await Promise.all([0, 1, 2].map(async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [what, yamlIn] = next;
      const problems = await startsOn(yamlIn);
      t.deepEqual([...problems.keys()].filter((line) => /\[ ?error\]/.test(line)), [], what);
    }
  }));
});

test("the YAML writer alone: a hostile string in any value, key or header line cannot create structure", (t) => {
  const base = presetNamed("openclaw-vm").build({ fluentBitVersion: VERSION });
  for (let seed = 0; seed < 60; seed++) {
    const dice = new Dice(`fluent-bit-yaml:${seed}`);
    const config = structuredClone(base);
    const bad = hostileString(dice, "oclog_host vm-alice");
    const filter = dice.pick(config.pipeline.filters!);
    Object.defineProperty(filter, dice.chance(0.5) ? "record" : hostileString(dice, "key"), { value: bad, enumerable: true, configurable: true, writable: true });
    const header = [`Generated by oclog fluent-bit generate --param host=${hostileString(dice, "vm")}`];
    const text = renderYaml(config, header);
    t.deepEqual(parse(text, { uniqueKeys: true }), asRendered(config), `seed ${seed}`);
    const firstKey = text.split("\n").findIndex((line) => !line.startsWith("#"));
    t.is(text.split("\n").slice(0, firstKey).length, header.length, `seed ${seed}: the header stays ${header.length} comment line(s)`);
  }
});

test("the checked-in pipeline was not changed by the stricter writer", (t) => {
  t.is(renderPreset("openclaw-vm", VERSION), readFileSync(new URL("../../../fluent-bit/openclaw-vm.yaml", import.meta.url), "utf8"));
});

test("a valid user id that makes an invalid container name is refused, unless the container is given", (t) => {
  for (const user of ["a--b", "u".repeat(63)]) {
    t.throws(() => presetNamed("openclaw-vm").build({ fluentBitVersion: VERSION, params: { user } }), { instanceOf: UsageError, message: /makes the container name "oclog-.*", which is not an Azure container name/ });
    t.notThrows(() => presetNamed("openclaw-vm").build({ fluentBitVersion: VERSION, params: { user, container: "oclog-long" } }));
  }
  // An empty endpoint keeps its old meaning: no endpoint property, Azure's default.
  t.false("endpoint" in presetNamed("openclaw-vm").build({ fluentBitVersion: VERSION, params: { endpoint: "" } }).pipeline.outputs[0]!);
});
