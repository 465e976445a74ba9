/**
 * The catalogue as data (queries/catalogue/*.yml): secret-material paths, persistence locations,
 * known developer hosts and credential-printing commands, each entry with the reason it is listed and where that fact comes
 * from. Validated with zod (unknown fields refused) and compiled once; every problem of every file
 * is reported at once, so a reviewer fixes a broken catalogue in one pass.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { assetPath } from "@oclog/schema";
import { parseDocument } from "yaml";
import { z } from "zod";
import { compilePathPattern, type PathPattern } from "./path-pattern.js";
import { compileSecretCommand, type SecretCommandEntry } from "./secret-commands.js";

/** The `queries/catalogue` directory: in the checkout, or in the installed CLI. */
export const CATALOGUE_DIR = assetPath("queries", "catalogue");

const text = z.string().trim().min(1, "is empty");
const kind = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be kebab-case");
const pattern = z.string().trim().min(1, "is empty").refine((p) => !/\s/.test(p), "must not contain spaces");
const source = z.string().trim().min(8, "must name a URL or document the fact comes from");

const PathEntry = z.strictObject({ kind, paths: z.array(pattern).min(1, "needs at least one path"), except: z.array(pattern).optional(), why: text, source });
const HostEntry = z.strictObject({
  kind,
  hosts: z.array(z.string().regex(/^(\*\.)?[a-z0-9.-]+$/i, "must be a host name or *.domain")).min(1, "needs at least one host"),
  why: text,
  source,
});

const word = z.string().trim().min(1, "is empty");
const CommandEntry = z.strictObject({
  kind,
  program: word.refine((p) => !/[\s/]/.test(p), "must be a program name without spaces or slashes"),
  commands: z.array(word).min(1, "needs at least one command"),
  flags: z.array(word.refine((f) => f.startsWith("-"), "must start with -")).optional(),
  why: text,
  source,
});

const CatalogueFile = z.discriminatedUnion("catalogue", [
  z.strictObject({ catalogue: z.literal("secret-paths"), entries: z.array(PathEntry).min(1) }),
  z.strictObject({ catalogue: z.literal("persistence-paths"), entries: z.array(PathEntry).min(1) }),
  z.strictObject({ catalogue: z.literal("developer-hosts"), entries: z.array(HostEntry).min(1) }),
  z.strictObject({ catalogue: z.literal("secret-commands"), entries: z.array(CommandEntry).min(1) }),
]);

/** One path entry, compiled. */
export interface PathCatalogueEntry {
  kind: string;
  why: string;
  source: string;
  paths: PathPattern[];
  except: PathPattern[];
}

/** One host entry. */
export interface HostCatalogueEntry {
  kind: string;
  why: string;
  source: string;
  hosts: string[];
}

/** The whole catalogue, ready for the classifier. */
export interface Catalogue {
  secretPaths: PathCatalogueEntry[];
  persistencePaths: PathCatalogueEntry[];
  developerHosts: HostCatalogueEntry[];
  /** Commands that print a credential (secret-commands.yml). */
  secretCommands: SecretCommandEntry[];
}

export type ParseCatalogueResult = { ok: true; catalogue: Catalogue } | { ok: false; problems: string[] };

/** Parses catalogue files (name and text); every problem is reported, as `file: entries[i].field: message`. */
export function parseCatalogue(files: readonly { name: string; text: string }[]): ParseCatalogueResult {
  const problems: string[] = [];
  const catalogue: Catalogue = { secretPaths: [], persistencePaths: [], developerHosts: [], secretCommands: [] };
  const seen = new Set<string>();
  for (const { name, text: body } of files) {
    const document = parseDocument(body, { uniqueKeys: true });
    if (document.errors.length > 0) {
      for (const error of document.errors) problems.push(`${name}: YAML: ${error.message.split("\n")[0]}`);
      continue;
    }
    const parsed = CatalogueFile.safeParse(document.toJS());
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${name}: ${issuePath(issue.path)}${issue.message}`);
      continue;
    }
    const file = parsed.data;
    if (seen.has(file.catalogue)) problems.push(`${name}: a second "${file.catalogue}" file (one file per catalogue)`);
    seen.add(file.catalogue);
    if (file.catalogue === "secret-commands") {
      catalogue.secretCommands.push(...file.entries.map(compileSecretCommand));
    } else if (file.catalogue === "developer-hosts") {
      catalogue.developerHosts.push(...file.entries.map((entry) => ({ ...entry, hosts: entry.hosts.map((host) => host.toLowerCase()) })));
    } else {
      const compiled = file.entries.map((entry) => ({ ...entry, paths: entry.paths.map(compilePathPattern), except: (entry.except ?? []).map(compilePathPattern) }));
      (file.catalogue === "secret-paths" ? catalogue.secretPaths : catalogue.persistencePaths).push(...compiled);
    }
  }
  for (const needed of ["secret-paths", "persistence-paths", "developer-hosts", "secret-commands"]) {
    if (problems.length === 0 && !seen.has(needed)) problems.push(`no "${needed}" catalogue file`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, catalogue };
}

function issuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "";
  return `${path.map((key, i) => (typeof key === "number" ? `[${key}]` : `${i > 0 ? "." : ""}${String(key)}`)).join("")}: `;
}

/** Reads and parses every `.yml` file of a catalogue directory; throws with every problem listed. */
export function loadCatalogue(dir: string = CATALOGUE_DIR): Catalogue {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".yml"))
    .sort()
    .map((name) => ({ name: `queries/catalogue/${name}`, text: readFileSync(join(dir, name), "utf8") }));
  const result = parseCatalogue(files);
  if (!result.ok) throw new Error(`the catalogue in ${dir} is broken:\n  ${result.problems.join("\n  ")}`);
  return result.catalogue;
}

let shipped: Catalogue | undefined;

/** The shipped catalogue, loaded on first use. */
export function defaultCatalogue(): Catalogue {
  shipped ??= loadCatalogue();
  return shipped;
}

/** The entry whose matching pattern is the most specific (longest), exceptions honoured; null if none. */
export function matchPathEntry(entries: readonly PathCatalogueEntry[], normalisedPath: string): PathCatalogueEntry | null {
  let best: PathCatalogueEntry | null = null;
  let bestLength = -1;
  for (const entry of entries) {
    for (const pattern of entry.paths) {
      if (pattern.source.length > bestLength && pattern.test(normalisedPath) && !entry.except.some((p) => p.test(normalisedPath))) {
        best = entry;
        bestLength = pattern.source.length;
      }
    }
  }
  return best;
}

/** The kind of known developer host `host` is, or null. */
export function knownHostKind(catalogue: Catalogue, host: string): string | null {
  const lower = host.toLowerCase();
  for (const entry of catalogue.developerHosts) {
    for (const known of entry.hosts) {
      if (known.startsWith("*.") ? lower.endsWith(known.slice(1)) : lower === known) return entry.kind;
    }
  }
  return null;
}
