/**
 * `pnpm run pack:cli`: the installable `oclog` npm package, as .oclog-tmp/pack/oclog-<version>.tgz
 * (its absolute path is the last line printed), or in $OCLOG_PACK_DIR: the VM image build packs
 * into its own folder, so it can run beside the test that packs the CLI.
 *
 * One package, not the workspace's: the @oclog/* packages are private and never published, so
 * their code is bundled (esbuild, ESM, node20, one chunk per lazily loaded command) and every real
 * npm package they import stays external, listed in `dependencies` at the exact version the
 * workspace uses. The data the code reads at run time is copied in at the same place below the
 * package's folder as below the repository root (queries/, the demo's capture, Fluent Bit's plugin
 * schemas and Lua), and bin/oclog.js names that folder as the asset root before loading the bundle.
 *
 *   node --import tsx --conditions=oclog-source scripts/pack-cli.ts
 */
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const REPO = fileURLToPath(new URL("../", import.meta.url));
const OUT_DIR = process.env.OCLOG_PACK_DIR || join(REPO, ".oclog-tmp", "pack");
const STAGE = join(OUT_DIR, "oclog");

/** Folders read at run time, relative to the repository root and to the installed package alike. */
const DATA_FOLDERS = [
  "queries", // the detections (the whole folder: its file layout is not this script's business)
  "test/fixtures/openclaw-2026.9.6", // the real gateway capture `oclog demo` builds its incident on
  "packages/fluent-bit/plugin-schemas", // what `fluent-bit validate` checks against
  "packages/fluent-bit/lua", // redact.lua, written beside a generated pipeline
];

/**
 * npm packages the code loads without an import esbuild can see (createRequire), so the
 * bundle's metafile cannot name them: azurite is started by `oclog demo`; better-sqlite3 is
 * the collector's SQLite on Node < 22.13 only (newer Node has node:sqlite), so it is optional:
 * an install where it cannot be built still works on a Node that has node:sqlite.
 */
const REQUIRED_AT_RUN_TIME = ["azurite"];
const OPTIONAL_AT_RUN_TIME = ["better-sqlite3"];

interface Manifest {
  name: string;
  version: string;
  description?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readManifest = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Manifest;

/** Every exact version the workspace pins, by package name; two different pins are an error. */
function workspaceVersions(): Map<string, string> {
  const versions = new Map<string, string>();
  const manifests = [join(REPO, "package.json"), ...readdirSync(join(REPO, "packages")).map((p) => join(REPO, "packages", p, "package.json"))];
  for (const path of manifests.filter((p) => existsSync(p))) {
    const manifest = readManifest(path);
    for (const [name, version] of Object.entries({ ...manifest.devDependencies, ...manifest.dependencies })) {
      if (version.startsWith("workspace:")) continue;
      const seen = versions.get(name);
      if (seen && seen !== version) throw new Error(`${name} is pinned at ${seen} and ${version} in the workspace: pin one version in every package.json, then pack again`);
      versions.set(name, version);
    }
  }
  return versions;
}

/** `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`. */
const packageName = (specifier: string) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");

/**
 * Bare imports other than @oclog/* stay external, and must be packages the workspace pins:
 * an unpinned one would be missing from the installed package's dependencies.
 */
function externalNpmPackages(versions: Map<string, string>): Plugin {
  return {
    name: "external-npm-packages",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith("node:") || args.path.startsWith("@oclog/")) return undefined;
        if (!versions.has(packageName(args.path))) {
          return { errors: [{ text: `${args.path} (imported by ${relative(REPO, args.importer)}) is in no workspace package.json: add it to the dependencies of the package that imports it` }] };
        }
        return { path: args.path, external: true };
      });
    },
  };
}

/**
 * In the bundle, `import.meta.url` would name a chunk in dist/, so a module's
 * `new URL("../../../queries/", import.meta.url)` would point outside the package. Each module
 * gets its checkout path below the package's folder instead: a path relative to a source file
 * then means the same in the installed package as in the repository, provided its target is in
 * DATA_FOLDERS. (Paths through @oclog/schema's assetPath() need none of this.)
 */
function checkoutModuleUrls(): Plugin {
  return {
    name: "checkout-module-urls",
    setup(b) {
      b.onLoad({ filter: /\/packages\/[^/]+\/src\/.*\.ts$/ }, (args) => {
        const source = readFileSync(args.path, "utf8");
        if (!source.includes("import.meta.url")) return undefined;
        // Every chunk is directly in dist/ (chunkNames below), so "../" from any of them is the package.
        const url = `new URL(${JSON.stringify(relative(REPO, args.path))}, new URL("../", import.meta.url)).href`;
        return { contents: source.replaceAll("import.meta.url", url), loader: "ts" };
      });
    },
  };
}

async function bundle(versions: Map<string, string>): Promise<Set<string>> {
  const result = await build({
    entryPoints: { main: join(REPO, "packages/cli/src/main.ts") },
    outdir: join(STAGE, "dist"),
    bundle: true,
    splitting: true, // a command's dependencies (DuckDB, the Azure SDK) load only when it runs
    format: "esm",
    platform: "node",
    target: "node20",
    conditions: ["oclog-source"], // the workspace packages' TypeScript sources, no tsc build needed
    keepNames: true,
    legalComments: "none",
    chunkNames: "[name]-[hash]", // flat: checkoutModuleUrls counts on dist/ being one level deep
    metafile: true,
    logLevel: "warning",
    plugins: [externalNpmPackages(versions), checkoutModuleUrls()],
  });
  const used = new Set<string>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imported of output.imports) if (imported.external && !imported.path.startsWith("node:")) used.add(packageName(imported.path));
  }
  return used;
}

function pinned(names: Iterable<string>, versions: Map<string, string>): Record<string, string> {
  return Object.fromEntries([...names].sort().map((name) => [name, versions.get(name) ?? fail(`${name} is in no workspace package.json`)]));
}

function fail(message: string): never {
  throw new Error(message);
}

async function main(): Promise<void> {
  const cli = readManifest(join(REPO, "packages/cli/package.json"));
  const versions = workspaceVersions();
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(STAGE, { recursive: true });

  const imported = await bundle(versions);
  for (const folder of DATA_FOLDERS) cpSync(join(REPO, folder), join(STAGE, folder), { recursive: true });
  mkdirSync(join(STAGE, "bin"));
  cpSync(join(REPO, "packages/cli/bin/installed-oclog.js"), join(STAGE, "bin/oclog.js"));
  chmodSync(join(STAGE, "bin/oclog.js"), 0o755);

  const manifest = {
    name: "oclog",
    version: cli.version,
    description: "Security toolkit for OpenClaw: investigations, log schemas, the Fluent Bit pipeline, SAS rotation (the oclog command).",
    type: "module",
    bin: { oclog: "bin/oclog.js" },
    engines: { node: ">=20" },
    files: ["bin", "dist", ...DATA_FOLDERS],
    dependencies: pinned(new Set([...imported, ...REQUIRED_AT_RUN_TIME].filter((n) => !OPTIONAL_AT_RUN_TIME.includes(n))), versions),
    optionalDependencies: pinned(OPTIONAL_AT_RUN_TIME, versions),
  };
  writeFileSync(join(STAGE, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(
    join(STAGE, "README.md"),
    `# oclog ${cli.version}\n\nThe oclog command, bundled from the oclog repository by \`pnpm run pack:cli\`. \`oclog --help\` lists the commands; the repository's README explains them.\n`,
  );

  // npm pack: npm's own file list and fixed timestamps, so the same tree gives the same tarball.
  const [packed] = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", OUT_DIR], { cwd: STAGE, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })) as { filename: string; size: number; entryCount: number }[];
  const tarball = join(OUT_DIR, packed!.filename);
  process.stderr.write(`pack:cli: ${packed!.entryCount} files, ${(packed!.size / 1024 / 1024).toFixed(1)} MiB, ${Object.keys(manifest.dependencies).length} dependencies\n`);
  process.stdout.write(`${tarball}\n`);
}

try {
  await main();
} catch (error) {
  // One line that says what to fix; the stack only helps when this script itself is wrong.
  process.stderr.write(`pack:cli: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
