/**
 * The defaults of `oclog sas` and `oclog guard`, in a module with no imports so the CLI can show
 * them in --help without loading the Azure SDK (the `@oclog/sas/defaults` export).
 */

/** Default location of the public SAS state file inside the VM. */
export const SAS_STATE_PATH = "/run/oclog/sas-state.json";
/** `sas rotate` renews when less than `threshold` is left, minting a SAS that lives `lifetime`. */
export const ROTATE_DEFAULTS = { threshold: "48h", lifetime: "7d" } as const;
/** Fluent Bit's default monitoring endpoint in the openclaw-vm pipeline (http_listen 127.0.0.1, http_port 2020). */
export const GUARD_METRICS_URL = "http://127.0.0.1:2020/api/v1/metrics";
/** The guard's own history (its systemd StateDirectory). */
export const GUARD_HISTORY_PATH = "/var/lib/oclog-guard/history.json";
/** Minutes of errors without deliveries (or of unreadable metrics) before the guard fails shipping. */
export const GUARD_FAILING_AFTER_MINUTES = 10;
