// The VM's supply chain: OpenClaw from a checked-in package.json + pnpm lockfile (exact version,
// integrity hashes, a release-age buffer, build scripts decided), and every version pinned in
// vm/versions.env and equal to what oclog generates and tests against.
import { readFileSync } from "node:fs";
import test from "ava";
import { parse, parseAllDocuments } from "yaml";
import { VM_FLUENT_BIT_VERSION } from "@oclog/fluent-bit";
import { NODE24_VERSION, OPENCLAW_VERSION } from "../openclaw/install.js";
import { VM_VERSIONS } from "./vm-versions.js";

const VM = new URL("../../vm/", import.meta.url);
const versions = VM_VERSIONS;

test("versions are pinned in one place and match what oclog is built and tested against", (t) => {
  t.is(versions.OPENCLAW_VERSION, OPENCLAW_VERSION, "the harness tests this OpenClaw");
  t.is(versions.NODE_VERSION, NODE24_VERSION, "the harness runs OpenClaw on this Node");
  t.is(versions.NODE_MAJOR, NODE24_VERSION.split(".")[0]);
  t.is(versions.FLUENT_BIT_VERSION, VM_FLUENT_BIT_VERSION, "fluent-bit/ is generated for this Fluent Bit");
  const pkg = JSON.parse(readFileSync(new URL("openclaw/package.json", VM), "utf8")) as { dependencies: Record<string, string> };
  t.deepEqual(pkg.dependencies, { openclaw: versions.OPENCLAW_VERSION }, "one exact version, no range");
});

test("the lockfile pins every package with an integrity hash, and install policy is explicit", (t) => {
  // pnpm 12 writes two documents: its own pinned version first, then the project's tree.
  const documents = parseAllDocuments(readFileSync(new URL("openclaw/pnpm-lock.yaml", VM), "utf8")).map((d) => d.toJS() as { packages?: Record<string, { resolution?: { integrity?: string } }> });
  const lock = documents.find((d) => d.packages?.[`openclaw@${versions.OPENCLAW_VERSION}`]) as { packages: Record<string, { resolution?: { integrity?: string } }> };
  t.truthy(lock, "the lockfile holds the OpenClaw tree");
  const packages = Object.entries(lock.packages);
  t.true(packages.length > 100);
  t.deepEqual(packages.filter(([, p]) => !/^sha512-/.test(p.resolution?.integrity ?? "")).map(([name]) => name), [], "every package has a sha512 integrity");
  t.truthy(lock.packages[`openclaw@${versions.OPENCLAW_VERSION}`]);
  const workspace = parse(readFileSync(new URL("openclaw/pnpm-workspace.yaml", VM), "utf8")) as { minimumReleaseAge: number; allowBuilds: Record<string, boolean> };
  t.true(workspace.minimumReleaseAge >= 3 * 24 * 60, "at least 3 days");
  // The packages of this tree with install scripts (pnpm lists them when undecided).
  t.deepEqual(Object.keys(workspace.allowBuilds).sort(), ["@google/genai", "koffi", "openclaw", "protobufjs"]);
});
