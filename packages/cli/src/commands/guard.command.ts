/** `oclog guard`: the spec (flags, defaults, help); the work is in guard.ts. */
import { GUARD_FAILING_AFTER_MINUTES, GUARD_HISTORY_PATH, GUARD_METRICS_URL, SAS_STATE_PATH } from "@oclog/sas/defaults";
import { defineCommand } from "../spec/command-spec.js";
import { option } from "../spec/option-spec.js";

export const guardSpec = defineCommand({
  name: "guard",
  description: "Check that Fluent Bit delivers and publish it as shipping in the SAS state file (run by oclog-guard.timer)",
  options: {
    stateFile: option.string("--state-file <path>", "the public SAS state file to update", SAS_STATE_PATH),
    metricsUrl: option.string("--metrics-url <url>", "Fluent Bit's monitoring API (JSON metrics)", GUARD_METRICS_URL),
    history: option.string("--history <path>", "the guard's own sample history", GUARD_HISTORY_PATH),
    // No commander default: --failing-after must be able to take its place (guard.ts applies it).
    failingAfterMinutes: option.positiveInt("--failing-after-minutes <n>", `minutes of errors without deliveries (or of unreadable metrics) before failing (default ${GUARD_FAILING_AFTER_MINUTES})`),
    failingAfter: option.string("--failing-after <duration>", "the same as a duration (90s, 5m), instead of --failing-after-minutes"),
    enforce: option.choice("--enforce <mode>", "what to do when shipping turns failing", ["none", "stop-gateway"], "none"),
    json: option.flag("--json", "print one JSON object"),
  },
  help: "\nExit status: 0 shipping ok, 1 marked failing, 3 metrics or state file unreadable.\n\nExample:\n  oclog guard --failing-after-minutes 5 --json",
  async run({ opts }, output) {
    const { guardCommand } = await import("./guard.js");
    await guardCommand(opts, output);
  },
});
