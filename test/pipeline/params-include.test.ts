// The checked-in pipeline reads every machine-specific value from its params include: the file
// vm/provision/60-fluent-bit.sh writes on a VM defines exactly the variables the pipeline uses,
// and the tests' params (shipping-rig.ts) define the same ones, so a VM and a test load one file.
import { readFileSync } from "node:fs";
import test from "ava";
import { provisionedParamNames, provisionedSasPlaceholder } from "./provisioning-includes.js";
import { paramsInclude, type RigPaths } from "./shipping-rig.js";

const PIPELINE = readFileSync(new URL("../../fluent-bit/openclaw-vm.yaml", import.meta.url), "utf8");
const used = (text: string) => [...new Set([...text.matchAll(/\$\{(OCLOG_[A-Z0-9_]+)\}/g)].map((m) => m[1]!))].sort();

test("provisioning defines every ${OCLOG_*} the pipeline reads, and nothing else; the SAS include defines the token", (t) => {
  const fromSasInclude = ["OCLOG_SAS_TOKEN"];
  t.deepEqual([...provisionedParamNames(), ...fromSasInclude].sort(), used(PIPELINE));
  t.regex(provisionedSasPlaceholder(), /^ {2}OCLOG_SAS_TOKEN: "[^"]+"$/m, "a placeholder token, never empty: Fluent Bit refuses to start on an empty one");
});

test("the tests' params include defines the same variables as provisioning", (t) => {
  const paths = Object.fromEntries(["etc", "pipeline", "sasInclude", "luaDir", "gatewayLogs", "configAudit", "nginxAccessLog", "forwardSocket", "stateDir", "journalDir", "sasState", "caFile"].map((k) => [k, `/x/${k}`])) as unknown as RigPaths;
  const text = paramsInclude({ user: "alice", azurite: { blobEndpoint: "https://127.0.0.1:1/devstoreaccount1", accountName: "devstoreaccount1" } as never, paths, httpPort: 1 });
  t.deepEqual(used(text.replace(/^ {2}([A-Z0-9_]+):/gm, "${$1}")), provisionedParamNames().sort());
});
