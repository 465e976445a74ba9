/**
 * A typed model of Fluent Bit's YAML configuration (the format Fluent Bit 3+ reads; classic
 * `.conf` is deprecated and never generated). Section shapes are checked here; plugin
 * properties are checked against the real plugin schema in `schema-validator.ts`, because
 * only the Fluent Bit build knows which properties each plugin takes.
 */
import { z } from "zod";

/** A scalar as YAML may carry it; Fluent Bit reads every value as a string in the end. */
export const Scalar = z.union([z.string(), z.number(), z.boolean()]);
export type Scalar = z.infer<typeof Scalar>;

/** One value, or several for properties Fluent Bit lets you repeat (record_modifier `record`). */
export const PropertyValue = z.union([Scalar, z.array(Scalar).min(1)]);
export type PropertyValue = z.infer<typeof PropertyValue>;

const FbBoolean = z.union([z.boolean(), z.enum(["on", "off", "true", "false", "yes", "no", "On", "Off", "True", "False"])]);
const FbInteger = z.union([z.number().int(), z.string().regex(/^\d+$/, "a whole number")]);
const FbSize = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+(\.\d+)?\s*[KMGkmg]?[Bb]?$/, "a size like 64M")]);
const Interpolated = z.string().regex(/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/);
const FbString = z.string().min(1);

/** The `service` section: only the options Fluent Bit documents, so a typo is an error. */
export const ServiceSection = z
  .object({
    flush: z.union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?$/)]).optional(),
    grace: FbInteger.optional(),
    daemon: FbBoolean.optional(),
    log_level: z.enum(["off", "error", "warn", "info", "debug", "trace"]).optional(),
    log_file: FbString.optional(),
    parsers_file: FbString.optional(),
    plugins_file: FbString.optional(),
    streams_file: FbString.optional(),
    http_server: FbBoolean.optional(),
    http_listen: FbString.optional(),
    http_port: z.union([FbInteger, Interpolated]).optional(),
    health_check: FbBoolean.optional(),
    hc_errors_count: FbInteger.optional(),
    hc_retry_failure_count: FbInteger.optional(),
    hc_period: FbInteger.optional(),
    hot_reload: FbBoolean.optional(),
    "hot_reload.ensure_thread_safety": FbBoolean.optional(),
    "storage.path": FbString.optional(),
    "storage.sync": z.enum(["normal", "full"]).optional(),
    "storage.checksum": FbBoolean.optional(),
    "storage.max_chunks_up": FbInteger.optional(),
    "storage.backlog.mem_limit": FbSize.optional(),
    "storage.metrics": FbBoolean.optional(),
    "storage.delete_irrecoverable_chunks": FbBoolean.optional(),
    "scheduler.base": FbInteger.optional(),
    "scheduler.cap": FbInteger.optional(),
    "json.convert_nan_to_null": FbBoolean.optional(),
    "dns.mode": z.enum(["UDP", "TCP"]).optional(),
    "dns.resolver": z.enum(["LEGACY", "ASYNC"]).optional(),
    "dns.prefer_ipv4": FbBoolean.optional(),
    coro_stack_size: FbInteger.optional(),
  })
  .strict();
export type ServiceSection = z.infer<typeof ServiceSection>;

/** A parser in the `parsers` section. */
export const ParserDefinition = z
  .object({
    name: FbString,
    format: z.enum(["json", "regex", "ltsv", "logfmt"]),
    regex: FbString.optional(),
    time_key: FbString.optional(),
    time_format: FbString.optional(),
    time_keep: FbBoolean.optional(),
    time_strict: FbBoolean.optional(),
    time_offset: FbString.optional(),
    types: FbString.optional(),
    skip_empty_values: FbBoolean.optional(),
  })
  .strict()
  // Fluent Bit refuses to start on a regex parser without its regex; say so before it does.
  .refine((p) => p.format !== "regex" || (p.regex ?? "") !== "", { message: "a regex parser needs `regex`", path: ["regex"] });
export type ParserDefinition = z.infer<typeof ParserDefinition>;

/** An input, filter or output: its plugin `name` plus properties the plugin schema checks. */
export const PluginInstance = z.object({ name: FbString }).catchall(PropertyValue);
export type PluginInstance = z.infer<typeof PluginInstance>;

export const PipelineSection = z
  .object({
    inputs: z.array(PluginInstance).min(1, "a pipeline needs at least one input"),
    filters: z.array(PluginInstance).optional(),
    outputs: z.array(PluginInstance).min(1, "a pipeline needs at least one output"),
  })
  .strict();

const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a variable name");
/** The `env` list form: a value, or a file-backed one (`uri: file:///...`, 4.2+). */
const EnvEntry = z
  .object({ name: EnvName, value: Scalar.optional(), uri: z.string().startsWith("file://").optional(), refresh_interval: z.union([z.string(), z.number()]).optional() })
  .strict()
  .refine((e) => (e.value === undefined) !== (e.uri === undefined), "an env entry has exactly one of value and uri");

/** Whether the file's own `env` section gives `name` a literal value. */
export function definesInline(config: { env?: FluentBitConfig["env"] }, name: string): boolean {
  const env = config.env;
  if (!env) return false;
  return Array.isArray(env) ? env.some((e) => e.name === name && e.value !== undefined) : name in env;
}

/** A whole Fluent Bit YAML configuration file. */
export const FluentBitConfig = z
  .object({
    env: z.union([z.record(EnvName, Scalar), z.array(EnvEntry)]).optional(),
    includes: z.array(FbString).optional(),
    service: ServiceSection.optional(),
    parsers: z.array(ParserDefinition).optional(),
    pipeline: PipelineSection,
  })
  .strict();
export type FluentBitConfig = z.infer<typeof FluentBitConfig>;

/** Which pipeline list a plugin instance sits in. */
export type PluginKind = "inputs" | "filters" | "outputs";
export const PLUGIN_KINDS: readonly PluginKind[] = ["inputs", "filters", "outputs"];

/** A property read case-insensitively, the way Fluent Bit reads them. */
export function property(instance: PluginInstance, key: string): PropertyValue | undefined {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(instance)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** A property as one lowercase string (the last value of a repeated one), or undefined. */
export function propertyText(instance: PluginInstance, key: string): string | undefined {
  const value = property(instance, key);
  if (value === undefined) return undefined;
  const last = Array.isArray(value) ? value.at(-1) : value;
  return typeof last === "boolean" ? (last ? "on" : "off") : String(last);
}

/** Fluent Bit's reading of a boolean property, or `fallback` when unset. */
export function isOn(instance: Record<string, unknown> | undefined, key: string, fallback: boolean): boolean {
  if (!instance) return fallback;
  const text = propertyText(instance as PluginInstance, key);
  if (text === undefined) return fallback;
  return ["on", "true", "yes", "1"].includes(text.toLowerCase());
}
