/**
 * Fluent Bit routing, enough to reason about which records reach which filter or output: an
 * input's tag against a `match` glob (`*` matches anything, dots included) or `match_regex`.
 */
import type { FluentBitConfig, PluginInstance } from "./config-model.js";
import { propertyText } from "./config-model.js";

/** A tag an input produces; `undefined` when the sender picks it (forward), i.e. any tag. */
export type InputTag = string | undefined;

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

/** The tag an input's records carry (forward inputs take the sender's tag). */
export function inputTag(input: PluginInstance): InputTag {
  if (input.name === "forward") return undefined;
  return propertyText(input, "tag") ?? input.name;
}

/** Whether a filter or output with this match receives records tagged `tag`. */
export function receives(instance: PluginInstance, tag: InputTag): boolean {
  const match = propertyText(instance, "match");
  const regex = propertyText(instance, "match_regex");
  if (tag === undefined) return match !== undefined || regex !== undefined;
  if (match !== undefined && globToRegExp(match).test(tag)) return true;
  return regex !== undefined && new RegExp(regex).test(tag);
}

/** Whether the instance receives every tag this input can produce (for sender-chosen tags: `*`). */
export function covers(instance: PluginInstance, tag: InputTag): boolean {
  if (tag === undefined) return propertyText(instance, "match") === "*";
  return receives(instance, tag);
}

/** The inputs whose records reach `output`. */
export function inputsReaching(config: FluentBitConfig, output: PluginInstance): PluginInstance[] {
  return config.pipeline.inputs.filter((input) => receives(output, inputTag(input)));
}
