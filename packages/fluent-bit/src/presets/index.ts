/** The presets `oclog fluent-bit generate --preset` knows. */
import type { FluentBitConfig } from "../config-model.js";
import { UsageError } from "@oclog/errors";
import type { ParamKindName } from "./param-kinds.js";
import { OPENCLAW_VM_PARAMS, openclawVm } from "./openclaw-vm.js";

export interface Preset {
  name: string;
  description: string;
  params: Record<string, { default: string; kind: ParamKindName; doc: string }>;
  build(options: { fluentBitVersion: string; params?: Record<string, string> }): FluentBitConfig;
}

export const PRESETS: Record<string, Preset> = {
  "openclaw-vm": { name: "openclaw-vm", description: "the hardened VM's pipeline: OpenClaw, nginx, egress and journal to the user's container", params: OPENCLAW_VM_PARAMS, build: openclawVm },
};

export function presetNamed(name: string): Preset {
  const preset = PRESETS[name];
  if (!preset) throw new UsageError(`unknown preset "${name}"`, { hint: `known presets: ${Object.keys(PRESETS).join(", ")}` });
  return preset;
}
