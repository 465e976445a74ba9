// Shared by the fluent-bit tests: a fresh, mutable copy of the openclaw-vm preset.
import { presetNamed, type FluentBitConfig } from "@oclog/fluent-bit";

export * from "@oclog/fluent-bit";

/** The preset as a plain object the test may change. */
export function openclawVmConfig(version: string, params: Record<string, string> = {}): FluentBitConfig {
  return structuredClone(presetNamed("openclaw-vm").build({ fluentBitVersion: version, params }));
}
