/**
 * The plugin schema a real Fluent Bit build prints (`fluent-bit -J`), one file per version in
 * `plugin-schemas/` (copied unchanged from the builds; a test keeps them equal to the shared
 * originals). It is the authority for plugin names, property names, types and defaults.
 */
import { readFileSync, readdirSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { UsageError } from "@oclog/errors";
import { assetPath } from "@oclog/schema";
import type { PluginKind } from "./config-model.js";

// Through the asset root, at the same place below it in a checkout and in the installed package
// (scripts/pack-cli.ts copies the folder there): the bundle has no packages/fluent-bit/src beside it.
export const PLUGIN_SCHEMAS_DIR = pathToFileURL(`${assetPath("packages", "fluent-bit", "plugin-schemas")}/`);

export interface PropertySpec {
  name: string;
  type: string;
  default: string | null;
  description: string;
}

export interface PluginSpec {
  name: string;
  description: string;
  /** Lowercase property name -> spec. */
  properties: Map<string, PropertySpec>;
  /** Prefixes of "prefixed string" properties (tail's `parser_`). */
  prefixes: string[];
}

export interface PluginSchema {
  version: string;
  plugins: Record<PluginKind, Map<string, PluginSpec>>;
}

interface RawProperty { name: string; type: string; default: string | null; description?: string }
interface RawPlugin { name: string; description?: string; properties?: Record<string, RawProperty[]> }

/**
 * Generic options every input/output takes that `fluent-bit -J` leaves out (they live in the
 * engine, not the plugins): from Fluent Bit's manual, "Buffering and storage", "Multithreading"
 * and "Processors".
 */
const ENGINE_OPTIONS: Record<PluginKind, RawProperty[]> = {
  inputs: [{ name: "processors", type: "variant", default: null }],
  filters: [],
  outputs: [
    { name: "workers", type: "integer", default: null },
    { name: "storage.total_limit_size", type: "size", default: null },
    { name: "processors", type: "variant", default: null },
  ],
};

function indexPlugin(raw: RawPlugin, kind: PluginKind): PluginSpec {
  const properties = new Map<string, PropertySpec>();
  const prefixes: string[] = [];
  const groups = Object.values(raw.properties ?? {});
  for (const prop of [...groups.flat(), ...ENGINE_OPTIONS[kind]]) {
    properties.set(prop.name.toLowerCase(), { name: prop.name, type: prop.type, default: prop.default, description: prop.description ?? "" });
    if (prop.type === "prefixed string") prefixes.push(prop.name.toLowerCase());
  }
  return { name: raw.name, description: raw.description ?? "", properties, prefixes };
}

const cache = new Map<string, PluginSchema>();

/** Versions with a schema file, oldest first. */
export function knownVersions(): string[] {
  return readdirSync(PLUGIN_SCHEMAS_DIR)
    .map((f) => /^schema-(\d+\.\d+\.\d+)\.json$/.exec(f)?.[1])
    .filter((v): v is string => v !== undefined)
    .sort(compareVersions);
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** `4.2.8` exactly, or `5.x` / `5` for the newest known 5.* schema. */
export function resolveVersion(spec: string): string {
  const versions = knownVersions();
  if (versions.includes(spec)) return spec;
  const major = /^(\d+)(?:\.x)?$/.exec(spec)?.[1];
  const match = major ? versions.filter((v) => v.startsWith(`${major}.`)).at(-1) : undefined;
  if (match) return match;
  throw new UsageError(`no Fluent Bit plugin schema for version "${spec}"`, {
    hint: `use one of ${versions.join(", ")} (or 4.x / 5.x); add a schema with \`fluent-bit -J > packages/fluent-bit/plugin-schemas/schema-<version>.json\``,
  });
}

/** The plugin schema of one Fluent Bit version (`4.2.8`, `5.x`). */
export function loadPluginSchema(versionSpec: string): PluginSchema {
  const version = resolveVersion(versionSpec);
  const cached = cache.get(version);
  if (cached) return cached;
  const raw = JSON.parse(readFileSync(new URL(`schema-${version}.json`, PLUGIN_SCHEMAS_DIR), "utf8")) as Record<string, RawPlugin[]>;
  const plugins = {} as PluginSchema["plugins"];
  for (const kind of ["inputs", "filters", "outputs"] as const) {
    plugins[kind] = new Map((raw[kind] ?? []).map((p) => [p.name, indexPlugin(p, kind)]));
  }
  const schema = { version, plugins };
  cache.set(version, schema);
  return schema;
}

/** The spec of `key` on a plugin, honouring prefixed properties. */
export function findProperty(plugin: PluginSpec, key: string): PropertySpec | undefined {
  const lower = key.toLowerCase();
  const exact = plugin.properties.get(lower);
  if (exact) return exact;
  const prefix = plugin.prefixes.find((p) => lower.startsWith(p) && lower.length > p.length);
  return prefix ? plugin.properties.get(prefix) : undefined;
}
