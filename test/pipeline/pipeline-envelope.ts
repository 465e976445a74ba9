/**
 * What the openclaw-vm pipeline does to a record on its way to a blob, read from the generated
 * preset itself (not restated): its record_modifier filters' fields for the record's tag, and
 * the time in the output's date_key. No Fluent Bit runs here; this is the stand-in for it.
 */
import { presetNamed, propertyText, type FluentBitConfig, type PluginInstance } from "@oclog/fluent-bit";

function matches(filter: PluginInstance, tag: string): boolean {
  const match = propertyText(filter, "match")!;
  return new RegExp(`^${match.split("*").map((p) => p.replace(/[.]/g, "\\.")).join(".*")}$`).test(tag);
}

/** What the preset's record_modifier filters add to a record tagged `tag`. */
export function envelopeFor(config: FluentBitConfig, tag: string): Record<string, string> {
  const added: Record<string, string> = {};
  for (const filter of (config.pipeline.filters ?? []).filter((f) => f.name === "record_modifier" && matches(f, tag))) {
    for (const entry of ([] as unknown[]).concat(filter.record ?? []).map(String)) {
      const [key, ...value] = entry.split(" ");
      added[key!] = value.join(" ");
    }
  }
  return added;
}

/** The openclaw-vm pipeline for alice's VM. */
export function aliceVmPipeline(version: string): FluentBitConfig {
  return presetNamed("openclaw-vm").build({ fluentBitVersion: version, params: { user: "alice", host: "vm-alice", storage_account: "acme" } });
}

/** One shipped line: the date_key first, the record's fields, then the envelope (as azure_blob writes it). */
export function shippedLine(config: FluentBitConfig, tag: string, time: Date, record: Record<string, unknown>): string {
  const dateKey = propertyText(config.pipeline.outputs[0]!, "date_key")!;
  return JSON.stringify({ [dateKey]: time.toISOString(), ...record, ...envelopeFor(config, tag) });
}
