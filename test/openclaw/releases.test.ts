// The release matrix (releases.ts) against each real release from npm: the scenario config the
// harness writes for a release is exactly what that release's own config schema knows, and that
// release's `openclaw config validate` accepts it. A row that claims too much or too little fails.
import test from "ava";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isolatedEnv, makeGatewayDirs, runOpenClawCli, writeConfig } from "./gateway.js";
import { ensureOpenClaw, OPENCLAW_VERSION } from "./install.js";
import type { ModelServer } from "./model-server.js";
import { RELEASES, releaseOf, withoutPaths } from "./releases.js";
import { scenarioConfig } from "./scenario.js";

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

/** Whether a dotted config path is a property the schema declares (through anyOf/oneOf branches). */
function schemaHas(schema: JsonSchema, path: string): boolean {
  let nodes = [schema];
  for (const key of path.split(".")) {
    const expand = (n: JsonSchema): JsonSchema[] => [n, ...(n.anyOf ?? []).flatMap(expand), ...(n.oneOf ?? []).flatMap(expand)];
    nodes = nodes.flatMap(expand).flatMap((n) => (n.properties?.[key] ? [n.properties[key]!] : []));
    if (nodes.length === 0) return false;
  }
  return true;
}

/** Every dotted path down to the leaves (arrays and records of providers count as leaves). */
function leafPaths(value: unknown, prefix = ""): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => (prefix === "models" && key === "providers" ? [`${prefix}.${key}`] : leafPaths(child, prefix ? `${prefix}.${key}` : key)));
}

// Only baseUrl, modelId and port are read from the model server when the config is built.
const MODEL = { baseUrl: "http://127.0.0.1:9/v1", modelId: "oclog-scripted", port: 9 } as unknown as ModelServer;

test("withoutPaths drops nested keys and leaves the rest, without touching its input", (t) => {
  const config = { models: { catalogRefresh: { enabled: false }, providers: { a: 1 } }, tools: { toolSearch: false } };
  t.deepEqual(withoutPaths(config, ["models.catalogRefresh", "no.such.path"]), { models: { providers: { a: 1 } }, tools: { toolSearch: false } });
  t.deepEqual(config.models.catalogRefresh, { enabled: false });
});

test("the matrix has one row per minor line, oldest first, ending at the release the fixtures are captured from", (t) => {
  const lines = RELEASES.map((r) => r.version.split(".").slice(0, 2).join("."));
  t.deepEqual(lines, [...new Set(lines)].sort());
  t.is(RELEASES.at(-1)!.version, OPENCLAW_VERSION);
  t.throws(() => releaseOf("2026.5.1"), { message: /not in the release matrix/ });
});

for (const release of RELEASES) {
  test(`OpenClaw ${release.version}: its schema knows every scenario key the harness writes for it, and lacks the ones the matrix leaves out`, async (t) => {
    t.timeout(600_000);
    const install = await ensureOpenClaw({ version: release.version });
    const root = mkdtempSync(join(tmpdir(), "oclog-release-"));
    try {
      const dirs = makeGatewayDirs(root);
      const env = isolatedEnv(install, dirs, "oclog-release-test-token-not-a-secret");
      const schemaRun = await runOpenClawCli(install, env, dirs.workspace, ["config", "schema"], 120_000);
      t.is(schemaRun.code, 0, schemaRun.stderr.slice(-2000));
      const schema = JSON.parse(schemaRun.stdout.slice(schemaRun.stdout.indexOf("{"))) as JsonSchema;

      const config = scenarioConfig({ model: MODEL, workspace: dirs.workspace, logFile: dirs.logFile, apiKey: "sk-oclog-release-test", release });
      const unknown = leafPaths(config).filter((path) => !schemaHas(schema, path));
      t.deepEqual(unknown, [], `the scenario config for ${release.version} writes keys its schema does not have`);
      // The scenarios' own config (test/scenarios), as the capture writes it for this release.
      const { loadScenarios } = await import("../scenarios/scenario-spec.js");
      const scenarioKeys = loadScenarios().flatMap((s) => leafPaths(withoutPaths(s.config, release.missingConfig)).map((path) => `${s.name}: ${path}`));
      t.deepEqual(scenarioKeys.filter((key) => !schemaHas(schema, key.slice(key.indexOf(": ") + 2))), [], `scenario config keys ${release.version} does not have`);
      const present = release.missingConfig.filter((path) => schemaHas(schema, path));
      t.deepEqual(present, [], `the matrix leaves out keys ${release.version} does have`);
      t.true(schemaHas(schema, release.fetchChange.key), `${release.fetchChange.key} is not a key of ${release.version}`);
      t.is(schemaHas(schema, "tools.web.fetch.ssrfPolicy.allowedHostnames"), release.fetchChange.unblocksLoopback, "a release with a web_fetch hostname allowlist uses it");

      writeConfig(dirs, config);
      const validate = await runOpenClawCli(install, env, dirs.workspace, ["config", "validate", "--json"], 120_000);
      t.is(validate.code, 0, `openclaw ${release.version} config validate: ${validate.stdout.slice(-2000)} ${validate.stderr.slice(-2000)}`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}
