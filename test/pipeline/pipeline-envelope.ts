/**
 * What the openclaw-vm pipeline's record_modifier filters add to a record, read from the
 * generated preset itself (not restated). The scenario runner (test/scenarios/ship.ts) shapes
 * captured records with it; the tests in this folder run the pipeline under real Fluent Bit.
 */
import { propertyText, type FluentBitConfig, type PluginInstance } from "@oclog/fluent-bit";

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
