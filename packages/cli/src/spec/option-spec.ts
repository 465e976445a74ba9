/**
 * Option builders: each makes a commander Option and carries, in its type, the value the command
 * receives, so a command's `run` is typed from its spec. `finish` turns commander's raw value into
 * that type at runtime too (an absent flag becomes false, an absent list []), so no cast is needed.
 */
import { InvalidArgumentError, Option } from "commander";

/** One option of a command: its flags, its help line, the commander Option, and its value type `T`. */
export interface OptionSpec<T> {
  readonly flags: string;
  /** Builds a fresh commander Option (help text, default, parser, choices). */
  build(): Option;
  /** Commander's parsed value as the command receives it. */
  finish(value: unknown): T;
}

/** The values a command receives for the options `O` of its spec. */
export type OptionValues<O extends Record<string, OptionSpec<unknown>>> = { [K in keyof O]: O[K] extends OptionSpec<infer T> ? T : never };

function spec<T>(flags: string, build: () => Option, finish: (value: unknown) => T): OptionSpec<T> {
  return { flags, build, finish };
}

const asString = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const asNumber = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);

/** A value option (`--x <v>`): a string, or undefined when absent and there is no default. */
function string(flags: string, description: string): OptionSpec<string | undefined>;
function string(flags: string, description: string, defaultValue: string): OptionSpec<string>;
function string(flags: string, description: string, defaultValue?: string): OptionSpec<string | undefined> {
  return spec(flags, () => withDefault(new Option(flags, description), defaultValue), (value) => asString(value) ?? defaultValue);
}

/** A value option the command cannot run without (commander reports it missing, exit 2). */
function required(flags: string, description: string): OptionSpec<string> {
  return spec(flags, () => new Option(flags, description).makeOptionMandatory(), (value) => asString(value) ?? "");
}

/** A boolean switch (`--json`): false when absent. */
function flag(flags: string, description: string): OptionSpec<boolean> {
  return spec(flags, () => new Option(flags, description), (value) => value === true);
}

/** A negated switch (`--no-progress`): true unless given. */
function negated(flags: string, description: string): OptionSpec<boolean> {
  return spec(flags, () => new Option(flags, description), (value) => value !== false);
}

/** A positive integer (`--concurrency <n>`), checked while parsing (exit 2 with the flag named). */
function positiveInt(flags: string, description: string): OptionSpec<number | undefined>;
function positiveInt(flags: string, description: string, defaultValue: number): OptionSpec<number>;
function positiveInt(flags: string, description: string, defaultValue?: number): OptionSpec<number | undefined> {
  return spec(flags, () => withDefault(new Option(flags, description).argParser(parsePositiveInt), defaultValue), (value) => asNumber(value) ?? defaultValue);
}

/** One of a closed list of values; commander refuses others (exit 2, listing the choices). */
function choice<const C extends readonly string[]>(flags: string, description: string, choices: C): OptionSpec<C[number] | undefined>;
function choice<const C extends readonly string[]>(flags: string, description: string, choices: C, defaultValue: C[number]): OptionSpec<C[number]>;
function choice<const C extends readonly string[]>(flags: string, description: string, choices: C, defaultValue?: C[number]): OptionSpec<C[number] | undefined> {
  return spec(flags, () => withDefault(new Option(flags, description).choices(choices), defaultValue), (value) => choices.find((c) => c === value) ?? defaultValue);
}

/** A repeatable option (`--param k=v --param k2=v2`): every value in order, [] when absent. */
function list(flags: string, description: string): OptionSpec<string[]> {
  return spec(flags, () => new Option(flags, description).argParser(collect).default([]), (value) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []));
}

/** The option builders a command spec uses. */
export const option = { string, required, flag, negated, positiveInt, choice, list };

function withDefault(opt: Option, defaultValue: unknown): Option {
  return defaultValue === undefined ? opt : opt.default(defaultValue);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got ${JSON.stringify(value)}`);
  return n;
}
