// Each default lives in one constant of the package that owns it: the CLI's specs import it rather
// than repeat it. The literals are counted across every package's src/, so a second copy fails.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import test from "ava";
import { VM_FLUENT_BIT_VERSION } from "@oclog/fluent-bit/defaults";
import { DEFAULT_SERVER_TIMEOUT_SECONDS, HUNT_CONCURRENCY, INGEST_CONCURRENCY } from "@oclog/hunt/defaults";
import { DEFAULT_CONCURRENCY, DEFAULT_CONTAINER_TEMPLATE, DEFAULT_SAS_ENV } from "@oclog/investigate/defaults";
import { GUARD_HISTORY_PATH, GUARD_METRICS_URL, ROTATE_DEFAULTS, SAS_STATE_PATH } from "@oclog/sas/defaults";

const PACKAGES = fileURLToPath(new URL("../../", import.meta.url));

/** Every TypeScript source file under packages/<name>/src, as [relative path, text]. */
function sources(): [string, string][] {
  const files: [string, string][] = [];
  for (const pkg of readdirSync(PACKAGES)) {
    const src = join(PACKAGES, pkg, "src");
    let names: string[];
    try {
      names = readdirSync(src, { recursive: true, encoding: "utf8" });
    } catch {
      continue;
    }
    for (const name of names) if (name.endsWith(".ts")) files.push([`${pkg}/src/${name}`, readFileSync(join(src, name), "utf8")]);
  }
  return files;
}

function filesMatching(pattern: RegExp): string[] {
  return sources()
    .filter(([, text]) => pattern.test(text))
    .map(([path]) => path);
}

const quoted = (value: string) => new RegExp(JSON.stringify(value).replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));

test("the sas and guard defaults are written once, in @oclog/sas's defaults.ts", (t) => {
  for (const value of [SAS_STATE_PATH, GUARD_METRICS_URL, GUARD_HISTORY_PATH, ROTATE_DEFAULTS.threshold]) {
    t.deepEqual(filesMatching(quoted(value)), ["sas/src/defaults.ts"], value);
  }
  // The guard's threshold: one `= 10` constant, and no help text repeating "default 10".
  t.deepEqual(filesMatching(/GUARD_FAILING_AFTER_MINUTES = \d/), ["sas/src/defaults.ts"]);
  t.deepEqual(filesMatching(/\(default \d+\)/).filter((path) => path.startsWith("cli/")), []);
});

test("investigate's defaults are written once, in its defaults.ts", (t) => {
  for (const value of [DEFAULT_SAS_ENV, DEFAULT_CONTAINER_TEMPLATE]) t.deepEqual(filesMatching(quoted(value)), ["investigate/src/defaults.ts"], value);
});

test("the concurrencies, the query timeout and the max line size are written once", (t) => {
  t.deepEqual([DEFAULT_CONCURRENCY, HUNT_CONCURRENCY, INGEST_CONCURRENCY, DEFAULT_SERVER_TIMEOUT_SECONDS], [8, 3, 5, 180]);
  t.deepEqual(filesMatching(/CONCURRENCY = \d/), ["hunt/src/defaults.ts", "investigate/src/defaults.ts"]);
  t.deepEqual(filesMatching(/DEFAULT_SERVER_TIMEOUT_SECONDS = \d/), ["hunt/src/defaults.ts"]);
  t.deepEqual(filesMatching(/concurrency \?\? \d|concurrency <n>"[^\n]*, \d+\)/), []);
  t.deepEqual(filesMatching(/maxLineBytes[^\n]*\d+ \* 1024/), []);
  t.deepEqual(filesMatching(/DEFAULT_MAX_LINE_BYTES = /), ["schema/src/line-validator.ts"]);
});

test("the VM's Fluent Bit version is written once, in @oclog/fluent-bit's defaults.ts", (t) => {
  // (value-rules.ts lists every version it has plugin schemas for: another fact, not this default.)
  t.deepEqual(filesMatching(quoted(VM_FLUENT_BIT_VERSION)).filter((path) => path !== "fluent-bit/src/value-rules.ts"), ["fluent-bit/src/defaults.ts"]);
  t.deepEqual(filesMatching(/VM_FLUENT_BIT_VERSION = /), ["fluent-bit/src/defaults.ts"]);
});

test("the CLI lists no severities of its own, and one file holds the duration grammar", (t) => {
  t.deepEqual(filesMatching(/"informational", "low"/).filter((path) => path.startsWith("cli/")), []);
  t.deepEqual(filesMatching(/function parseDuration/), ["schema/src/duration.ts"]);
  t.deepEqual(filesMatching(/\[s?mhdw?\]/).filter((path) => !path.startsWith("fluent-bit/")), ["schema/src/duration.ts"]);
});
