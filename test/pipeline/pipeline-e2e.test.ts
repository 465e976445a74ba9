// The whole pipeline, for real: a real OpenClaw gateway run (the harness's scripted scenario plus
// a turn with planted secrets), its file log tailed and its SQLite stores read by the real
// `oclog collect`, journal entries of the VM's units and the kernel's egress lines in real
// journal files, all shipped by the checked-in fluent-bit/openclaw-vm.yaml under real Fluent Bit
// 5.1.1 to Azurite over HTTPS, then investigated with the real `oclog investigate`.
// One run (about three minutes) is shared by the tests of this file (live-gateway-run.ts).
import { hostname } from "node:os";
import { join } from "node:path";
import test from "ava";
import { loadDetections, parseBlobName } from "@oclog/investigate";
import { EGRESS_LINE_REGEX } from "@oclog/fluent-bit";
import { redactRecord, redactString } from "@oclog/schema";
import type { JournalEntry } from "./journal-files.js";
import { closeLiveRigs, expectedStoreIds, liveRun } from "./live-gateway-run.js";
import { runOclog } from "./oclog-child.js";

const RUN_TIMEOUT = 600_000;

test.after.always(closeLiveRigs);

/** A shipped record without what the pipeline adds (time stamp, envelope). */
function withoutEnvelope(record: Record<string, unknown>, keep: string[] = []): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => keep.includes(key) || !(key === "@timestamp" || key.startsWith("oclog_"))));
}

/**
 * Fluent Bit writes a fractional number with 16 significant digits, so a double that needs 17
 * (123.28352000000086) arrives as its 16-digit neighbour (123.2835200000009); the raw line in
 * `log` keeps the exact text. Compared at that precision, and counted.
 */
function atFluentBitPrecision(value: unknown, changed: { n: number }): unknown {
  if (typeof value === "number" && !Number.isInteger(value)) {
    const printed = Number(value.toPrecision(16));
    if (printed !== value) changed.n++;
    return printed;
  }
  if (Array.isArray(value)) return value.map((v) => atFluentBitPrecision(v, changed));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, atFluentBitPrecision(v, changed)]));
  return value;
}

/** Fluent Bit's date_key: ISO 8601 UTC with microseconds. */
function fluentTime(ms: number, micros = 0): string {
  return `${new Date(ms).toISOString().slice(0, 23)}${String(micros).padStart(3, "0")}Z`;
}

/** The envelope record_modifier adds: user and host (Fluent Bit's ${HOSTNAME}), version, source. */
function envelope(record: Record<string, unknown>): unknown[] {
  return [record.oclog_user, record.oclog_host, record.oclog_v, record.oclog_source];
}

test("every gateway log line reaches a blob exactly once, unchanged but for redaction, in blobs named by the generated layout", async (t) => {
  t.timeout(RUN_TIMEOUT);
  const run = await liveRun();
  const options = { literals: run.literals };
  const shipped = run.shipped.filter(({ record }) => record.oclog_source === "gateway");
  const byLine = new Map<string, Record<string, unknown>[]>();
  for (const { record } of shipped) byLine.set(String(record.log), [...(byLine.get(String(record.log)) ?? []), record]);
  t.is(shipped.length, run.gatewayLines.length, "one record per line");
  let changed = 0;
  const rounded = { n: 0 };
  for (const line of run.gatewayLines) {
    const records = byLine.get(redactString(line, options)) ?? [];
    t.is(records.length, 1, line.slice(0, 200));
    const record = records[0];
    if (!record) continue;
    const parsed = JSON.parse(line) as Record<string, unknown>;
    const { record: expected, changed: masked } = redactRecord({ ...parsed, log: line, oclog_path: record.oclog_path }, options);
    if (masked) changed++;
    t.deepEqual(atFluentBitPrecision(withoutEnvelope(record, ["oclog_path"]), { n: 0 }), atFluentBitPrecision(expected, rounded), line.slice(0, 200));
    t.is(record["@timestamp"], fluentTime(Date.parse(String(parsed.time))));
    t.deepEqual(envelope(record), ["alice", process.env.HOSTNAME ?? hostname(), "1", "gateway"]);
  }
  t.log(`${run.gatewayLines.length} gateway lines, each in exactly one record; ${changed} changed by redaction; ${rounded.n} parsed numbers needed 17 digits and arrived with 16 (their line in \`log\` is exact)`);

  const names = [...new Set(run.shipped.map(({ blob }) => blob))];
  for (const name of names) {
    const parsed = parseBlobName(name);
    t.true(parsed.ok, name);
    if (!parsed.ok) continue;
    const at = parsed.blob.uploadedAt.toISOString();
    // oclog/<user>/<tag>/%Y/%m/%d/%H/<tag>.<random>.<epoch-ms>.gz, the date being the upload hour.
    t.is(parsed.blob.path, `oclog/alice/${parsed.blob.tag}/${at.slice(0, 4)}/${at.slice(5, 7)}/${at.slice(8, 10)}/${at.slice(11, 13)}`, name);
    t.regex(name.split("/").at(-1)!, new RegExp(`^${parsed.blob.tag.replaceAll(".", "\\.")}\\.[A-Za-z0-9]{64}\\.\\d{13}\\.gz$`));
    t.true(parsed.blob.gzip && parsed.blob.layout === "v5");
  }
  t.deepEqual([...new Set(names.map((n) => n.split("/")[2]))].sort(), ["openclaw.config-audit", "openclaw.egress", "openclaw.gateway", "openclaw.journal", "openclaw.ledger", "openclaw.nginx", "openclaw.transcript"]);
});

test("every row of the gateway's SQLite stores reaches a blob exactly once through oclog collect, unchanged but for redaction", async (t) => {
  t.timeout(RUN_TIMEOUT);
  const run = await liveRun();
  const options = { literals: run.literals };
  const expected = expectedStoreIds(run.stores);
  const counts = new Map<string, number>();
  for (const { record } of run.shipped) if (typeof record.oclog_id === "string") counts.set(record.oclog_id, (counts.get(record.oclog_id) ?? 0) + 1);
  const lost = expected.filter((id) => !counts.has(id));
  // At least once: a batch Fluent Bit acknowledged but whose cursor was not written is sent again
  // with the same oclog_id. Nothing here crashes, so there is none to count.
  const resent = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
  t.log(`store rows ${expected.length}, records with their oclog_id ${[...counts.values()].reduce((a, b) => a + b, 0)}, lost ${lost.length}, re-sent ${resent}; collector: ${JSON.stringify(run.collected)}`);
  t.deepEqual(lost, []);
  t.is(resent, 0);
  t.deepEqual([...counts.keys()].filter((id) => !expected.includes(id)), [], "no record the stores do not hold");
  t.is(run.collected.pending, 0);
  t.is(run.collected.invalid, 0);

  const byId = new Map(run.shipped.filter(({ record }) => typeof record.oclog_id === "string").map(({ record }) => [record.oclog_id as string, record]));
  const ids = expectedStoreIds(run.stores);
  let i = 0;
  for (const dumped of run.stores.rows) {
    if (dumped.table !== "transcript_events" && dumped.kind === "event") continue;
    const record = byId.get(ids[i++]!)!;
    const source = dumped.table === "transcript_events" ? "transcript" : dumped.kind === "audit" ? "ledger" : "config-audit";
    t.is(record.oclog_source, source);
    const original =
      source === "transcript" ? JSON.parse(dumped.decoded.event_zstd ?? String(dumped.row.event_json)) : source === "ledger" ? dumped.row : JSON.parse(String(dumped.row.payload_json));
    t.deepEqual(atFluentBitPrecision(withoutEnvelope(record), { n: 0 }), atFluentBitPrecision(withoutEnvelope(redactRecord(original as Record<string, unknown>, options).record), { n: 0 }), `${source} ${String(record.oclog_id)}`);
  }
  t.is(i, ids.length);
});

test("the journal: the units' entries and systemd's messages about them, the kernel's egress lines parsed, everything else left out", async (t) => {
  t.timeout(RUN_TIMEOUT);
  const run = await liveRun();
  const options = { literals: run.literals };
  const shippedOf = (source: string) => run.shipped.filter(({ record }) => record.oclog_source === source).map(({ record }) => record);
  const journal = shippedOf("journal");
  const egress = shippedOf("egress");
  const messageOf = (entry: JournalEntry) => redactString(entry.fields.MESSAGE!, options);
  t.deepEqual(journal.map((r) => r.message).sort(), run.journal.journal.map(messageOf).sort(), "each shipped unit's entry once, nothing else");
  t.deepEqual(egress.map((r) => r.message).sort(), run.journal.egress.map((e) => e.fields.MESSAGE).sort(), "each egress line once");
  t.true(journal.some((r) => r.unit === "openclaw.service" && /Failed with result/.test(String(r.message))), "systemd's word that the gateway failed");
  for (const entry of [...run.journal.journal, ...run.journal.egress]) {
    const record = [...journal, ...egress].find((r) => r.message === messageOf(entry))!;
    // Every field of the entry, journald's trusted ones included, plus the boot id, with the
    // names lowercased (the inputs' `lowercase: on`); no __ fields.
    const fields = Object.fromEntries(Object.entries({ ...entry.fields, _BOOT_ID: String(record._boot_id) }).map(([k, v]) => [k.toLowerCase(), v]));
    const parsed = entry.fields._TRANSPORT === "kernel" ? egressFields(entry.fields.MESSAGE!) : {};
    t.deepEqual(withoutEnvelope(record), redactRecord({ ...fields, ...parsed }, options).record, entry.fields.MESSAGE!.slice(0, 120));
    t.is(record["@timestamp"], fluentTime(Math.floor(entry.realtimeUs / 1000), entry.realtimeUs % 1000));
  }
  t.log(`journal ${journal.length} records, egress ${egress.length}; a shipped egress record: ${JSON.stringify(egress[0])}`);
});

test("the gate's access log: one record per request nginx passed to the gateway or refused, parsed, without query strings", async (t) => {
  t.timeout(RUN_TIMEOUT);
  const run = await liveRun();
  const nginx = run.shipped.filter(({ record }) => record.oclog_source === "nginx").map(({ record }) => record);
  t.deepEqual(nginx.map((r) => [r.uri, r.http_status]), run.gateRequests.map((r) => [r.path, r.status]), "each request once, in order");
  t.deepEqual(nginx.map((r) => r.gate), ["", "", "", "expired"]);
  t.true(nginx.slice(0, 3).every((r) => r.upstream_status === String(r.http_status)), "the gateway answered the first three");
  for (const record of nginx) {
    // The parser kept the raw line and lifted its fields; time_keep kept nginx's own time.
    const line = JSON.parse(String(record.log)) as Record<string, unknown>;
    t.like(record, line);
    t.false(String(record.log).includes("?"), "no query string in the log");
  }
  const blobs = [...run.rig.blobTexts().values()].join("\n");
  t.is(blobs.split(run.literals[0]!).length - 1, 0, "the gateway token, sent in a query and a header, is in no blob");
});

/** What the pipeline's egress parser takes out of an nftables line (named groups; ports and ids as numbers). */
function egressFields(line: string): Record<string, unknown> {
  const groups = Object.entries(new RegExp(EGRESS_LINE_REGEX).exec(line)?.groups ?? {}).filter(([, v]) => v !== undefined);
  return Object.fromEntries(groups.map(([k, v]) => [k, ["spt", "dpt", "uid", "gid"].includes(k) ? Number(v) : v]));
}

test("planted secrets of every kind redact.lua masks are in the sources and 0 times in the blobs", async (t) => {
  t.timeout(RUN_TIMEOUT);
  const run = await liveRun();
  const { plain: _notShipped, gatewayToken: _hexShape, pemBody, ...shaped } = run.secrets;
  const planted: [string, string][] = [...Object.entries(shaped), ...pemBody.map((line, i) => [`pem line ${i}`, line] as [string, string]), ...run.literals.map((l, i) => [`literal ${i}`, l] as [string, string])];
  const sources = [run.gatewayLines.join("\n"), JSON.stringify(run.stores.rows), run.journal.entries.map((e) => JSON.stringify(e.fields)).join("\n")].join("\n");
  const blobs = [...run.rig.blobTexts().values()].join("\n");
  for (const [kind, value] of planted) {
    t.true(sources.includes(value), `${kind} was planted in a source`);
    t.is(blobs.split(value).length - 1, 0, `${kind} reached a blob`);
  }
  for (const mask of ["gateway-token", "private-key", "anthropic", "openrouter", "openai", "google", "github", "slack", "aws", "bearer", "sas", "field"]) {
    t.true(blobs.includes(`[REDACTED:${mask}]`), `a ${mask} mask in the blobs`);
  }
  // OpenClaw masks known key shapes in its own records; what it leaves (the VM's ocgw_ token) the pipeline masks.
  t.true(run.gatewayLines.some((line) => line.includes(run.secrets.vmGatewayToken)), "the VM gateway token's shape passes OpenClaw's own masking");
});

test("oclog investigate on the container: exit 0, nothing quarantined, the run's tool calls as events and findings", async (t) => {
  t.timeout(RUN_TIMEOUT);
  const run = await liveRun();
  const caseDir = join(run.rig.dir, "case");
  const result = await runOclog(["investigate", "--user", "alice", "--case-dir", caseDir, "--json", "--no-progress"], { env: run.rig.oclogEnv, timeoutMs: 300_000 });
  const summary = JSON.parse(result.stdout || "{}") as { records: number; quarantined: number; findings: { id: string; title: string; severity: string; count: number }[] };
  t.log(`investigate: exit ${result.code}, ${summary.records} records, ${summary.quarantined} quarantined, findings: ${summary.findings?.map((f) => `${f.severity} ${f.title}`).join("; ")}`);
  t.is(summary.records + summary.quarantined, run.shipped.length, "every shipped record loaded or set aside");

  const calls = await runOclog(["sql", caseDir, "SELECT DISTINCT gen_ai.tool.call.id AS id FROM events WHERE gen_ai.tool.call.id IS NOT NULL", "--json"], { env: run.rig.oclogEnv });
  const found = new Set(calls.stdout.split("\n").filter(Boolean).map((line) => (JSON.parse(line) as { id: string }).id));
  for (const call of [...run.toolCalls, { id: "call_plant_write" }, { id: "call_plant_exec" }, { id: "call_plant_read" }]) t.true(found.has(call.id), `tool call ${call.id} is an event`);
  // The refused /etc/passwd read and the planted path, and the loopback fetch the SSRF guard refused.
  const { detections } = await loadDetections();
  const fired = new Set(summary.findings.map((f) => f.id));
  for (const stem of ["sandbox_path_escape_refused", "network_ssrf_guard_block"]) t.true(fired.has(detections.find((d) => d.stem === stem)!.meta.id), `finding ${stem}`);

  // Every source is one @oclog/schema knows, the VM's journal and egress included.
  const reasons = await runOclog(["sql", caseDir, "SELECT reason, count(*) AS n FROM quarantine GROUP BY ALL ORDER BY n DESC", "--json"], { env: run.rig.oclogEnv });
  t.is(summary.quarantined, 0, `quarantined: ${reasons.stdout}`);
  t.is(result.code, 0, result.stderr.slice(-2000));
  for (const [line, n] of run.rig.problems()) t.log(`fluent-bit x${n}: ${line}`);
});
