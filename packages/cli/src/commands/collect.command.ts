/** `oclog collect`: the spec (flags, defaults, help); the work is in collect.ts. */
import { defineCommand } from "../spec/command-spec.js";
import { option } from "../spec/option-spec.js";

export const collectSpec = defineCommand({
  name: "collect",
  description: "Ship OpenClaw's stores (transcripts, trajectories, audit ledger, config audit) to Fluent Bit's forward input",
  options: {
    stateDir: option.required("--state-dir <dir>", "OpenClaw's state directory (holds agents/ and state/); opened read-only"),
    socket: option.string("--socket <path>", "Fluent Bit forward input on a unix socket (the openclaw-vm pipeline: /run/fluent-bit/forward.sock)"),
    port: option.positiveInt("--port <n>", "Fluent Bit forward input on a TCP port"),
    host: option.string("--host <host>", "host for --port", "127.0.0.1"),
    collectorState: option.string("--collector-state <dir>", "the collector's cursors and spool", "/var/lib/oclog-collect"),
    once: option.flag("--once", "send what is there now, then exit (exit 3 if Fluent Bit does not take it)"),
    batchSize: option.positiveInt("--batch-size <n>", "rows per acknowledged batch", 500),
    spoolLimitMb: option.positiveInt("--spool-limit-mb <n>", "cap of the on-disk spool while Fluent Bit is away", 256),
    pollMs: option.positiveInt("--poll-ms <n>", "pause between polls when nothing is new", 1000),
    ackTimeoutMs: option.positiveInt("--ack-timeout-ms <n>", "how long Fluent Bit may take to acknowledge a batch", 10_000),
    redactLiterals: option.string("--redact-literals <file>", "secrets to mask as literals (default: OCLOG_REDACT_LITERALS or /etc/oclog/redact-literals)"),
    json: option.flag("--json", "JSON log lines on stderr and a JSON summary on stdout"),
  },
  help: `
Stores: OpenClaw 2026.8 and later keep transcripts, the audit ledger and the config audit in SQLite
(agents/<agent>/agent/openclaw-agent.sqlite, state/openclaw.sqlite); 2026.6 and 2026.7 keep
each session's transcript and trajectory as JSONL files (agents/<agent>/sessions/), read here
by byte offset. Their logs/config-audit.jsonl is tailed by the Fluent Bit pipeline, not here.
The summary says what was found, per kind of store.

Delivery: a store's cursor moves only when Fluent Bit acknowledged the rows; unacknowledged rows
wait in the spool (on disk, bounded). Records are redacted like the pipeline's redact.lua and
never logged. Exit status: 0 all sent, 2 usage error (a state directory with no OpenClaw store
included, with --once), 3 Fluent Bit did not take the records.

Examples:
  oclog collect --state-dir /var/lib/openclaw/.openclaw --socket /run/fluent-bit/forward.sock
  oclog collect --state-dir ~/.openclaw --port 24224 --collector-state /tmp/collect --once --json`,
  async run({ opts }, output) {
    const { collectCommand } = await import("./collect.js");
    await collectCommand(opts, output);
  },
});
