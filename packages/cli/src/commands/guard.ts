/** `oclog guard`: one check of Fluent Bit's deliveries, published as `shipping` in the SAS state file. */
import { ExitCode, ExitError, UsageError } from "@oclog/errors";
import { parseDuration } from "@oclog/schema";
import { GUARD_FAILING_AFTER_MINUTES, runShippingGuard, type GuardDeps, type GuardEnforce, type GuardReport } from "@oclog/sas";
import { terminalSafe, type Output } from "../output.js";

export interface GuardCommandOptions {
  stateFile: string;
  metricsUrl: string;
  history: string;
  /** Whole minutes (the unit files' flag); or `failingAfter`, a duration such as 90s; default 10 minutes. */
  failingAfterMinutes?: number;
  failingAfter?: string;
  enforce: string;
  json: boolean;
}

const ENFORCE: readonly GuardEnforce[] = ["none", "stop-gateway"];

/**
 * Exit status: 0 shipping ok (or nothing measured yet), 1 marked failing, 3 the metrics or the
 * state file could not be read (or the state file not written). `deps` is for tests: a clock and
 * a stand-in for systemctl.
 */
export async function guardCommand(options: GuardCommandOptions, output: Output, deps: GuardDeps = {}): Promise<void> {
  if (!ENFORCE.includes(options.enforce as GuardEnforce)) {
    throw new UsageError(`--enforce must be one of ${ENFORCE.join(", ")}, got ${JSON.stringify(options.enforce)}`);
  }
  const failingAfterMs = failingAfter(options);
  let url: URL;
  try {
    url = new URL(options.metricsUrl);
  } catch {
    throw new UsageError(`--metrics-url is not a URL: ${JSON.stringify(options.metricsUrl)}`, { hint: "e.g. http://127.0.0.1:2020/api/v1/metrics" });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--metrics-url must be http(s), got ${url.protocol}`);

  const report = await runShippingGuard(
    {
      statePath: options.stateFile,
      metricsUrl: options.metricsUrl,
      historyPath: options.history,
      failingAfterMs,
      enforce: options.enforce as GuardEnforce,
    },
    deps,
  );

  if (options.json) output.out(JSON.stringify(toJson(report, options.stateFile)));
  else printText(report, options.stateFile, output);
  if (report.exitCode !== ExitCode.ok) throw new ExitError(report.exitCode === 1 ? ExitCode.findings : ExitCode.environment);
}

/** The threshold in milliseconds, from whichever of the two flags was given. */
function failingAfter(options: GuardCommandOptions): number {
  if (options.failingAfter !== undefined && options.failingAfterMinutes !== undefined) {
    throw new UsageError("give either --failing-after or --failing-after-minutes, not both");
  }
  if (options.failingAfter !== undefined) {
    const ms = parseDuration(options.failingAfter, "--failing-after");
    if (ms < 1_000) throw new UsageError(`--failing-after must be at least 1s, got ${JSON.stringify(options.failingAfter)}`);
    return ms;
  }
  const minutes = options.failingAfterMinutes ?? GUARD_FAILING_AFTER_MINUTES;
  if (!Number.isInteger(minutes) || minutes <= 0) {
    throw new UsageError(`--failing-after-minutes must be a positive whole number, got ${JSON.stringify(minutes)}`);
  }
  return minutes * 60_000;
}

function toJson(report: GuardReport, stateFile: string) {
  return {
    checked_at: report.checkedAt,
    shipping: report.shipping,
    previous: report.previous,
    reason: report.reason,
    metrics: report.metrics,
    state: report.state,
    state_file: stateFile,
    ...(report.stateProblem !== undefined ? { state_problem: report.stateProblem } : {}),
    outputs: report.outputs,
    ...(report.enforcement ? { enforcement: report.enforcement } : {}),
    warnings: report.warnings,
    exit_code: report.exitCode,
  };
}

function printText(report: GuardReport, stateFile: string, output: Output): void {
  const where = report.state === "written" ? `${terminalSafe(stateFile)} updated` : report.state === "kept" ? `${terminalSafe(stateFile)} left as it was` : `${terminalSafe(stateFile)} ${report.state}, not touched`;
  output.out(`shipping ${report.shipping}: ${terminalSafe(report.reason, 500)} (${where})`);
  for (const warning of report.warnings) output.err(`oclog: warning: ${terminalSafe(warning, 500)}`);
  if (report.enforcement) {
    if (report.enforcement.ok) output.out(`stopped ${report.enforcement.unit}: shipping turned failing`);
    else output.err(`oclog: could not stop ${report.enforcement.unit}: ${terminalSafe(report.enforcement.detail ?? "", 500)}`);
  }
  if (report.state === "missing" || report.state === "invalid") {
    output.err(`oclog: ${terminalSafe(report.stateProblem ?? "", 1000)}`);
    output.err("hint: `oclog sas install` writes the state file; the gate blocks the UI until it is valid");
  } else if (report.stateProblem !== undefined) {
    output.err(`oclog: ${terminalSafe(report.stateProblem, 1000)}`);
    output.err(`hint: the guard replaces the file by rename and needs write access to its directory (group oclog-state)`);
  }
  if (report.metrics === "unreadable" && report.state !== "written") {
    output.err("hint: check that Fluent Bit runs with http_server on (127.0.0.1:2020) and that the guard may reach it");
  }
}
