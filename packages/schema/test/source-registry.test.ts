// The registry: every source is one module whose parts agree, the VM's sources as real Fluent Bit
// shipped them (test/fixtures/vm-sources) are recognised, valid and normalized, and bad records
// of every source are refused (the SQL twin must refuse the same: event-sql-parity.test.ts).
import test from "ava";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { badRecords, forgedUnitClaim } from "@oclog/test-kit/records";
import { LOG_SOURCES, PIPELINE_SOURCES, SOURCES, SOURCE_NAMES, detectSource, normalize, parseRecord, recordStructure, sourceStructure, splitEnvelope, type Event, type SourceName } from "@oclog/schema";

const vmSourcesDir = fileURLToPath(new URL("../../../test/fixtures/vm-sources/", import.meta.url));

/** The shipped lines of one VM source's fixture. */
function shipped(source: SourceName): Record<string, unknown>[] {
  return readFileSync(`${vmSourcesDir}${source}.jsonl`, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

function events(source: SourceName): Event[] {
  return shipped(source).flatMap((record, i) => {
    const result = normalize(source, record, { ref: `${source}.jsonl:${i + 1}` });
    if (!result.ok) throw new Error(`${source}.jsonl:${i + 1}: ${result.reason}`);
    return result.events;
  });
}

const count = (values: string[]) => Object.fromEntries([...new Set(values)].sort().map((v) => [v, values.filter((x) => x === v).length]));

test("the registry lists each source once, by name and by pipeline name, and their fields merge into one structure", (t) => {
  t.deepEqual(LOG_SOURCES.map((s) => s.name).sort(), [...SOURCE_NAMES].sort());
  for (const source of LOG_SOURCES) {
    t.is(SOURCES[source.name], source);
    t.is(PIPELINE_SOURCES[source.pipelineName], source.name);
  }
  t.notThrows(() => recordStructure());
});

test("each source's SQL reads only its own fields and the envelope's: a record keeps only those (ownFieldsSql)", (t) => {
  for (const source of LOG_SOURCES) {
    const own = new Set(Object.keys(sourceStructure(source.name)));
    const sql = [source.sql.variant, source.sql.invalid, source.sql.events()].join("\n");
    const read = new Set([...sql.matchAll(/\br\.(?:"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_]*))/g)].map((m) => (m[1] ?? m[2])!.replace(/""/g, '"')));
    t.true(read.size > 0, `${source.name} reads r`);
    t.deepEqual([...read].filter((field) => !own.has(field)), [], `${source.name} reads fields another source declares`);
  }
});

test("each VM source's shipped records are recognised by envelope and by shape, valid, and normalized", (t) => {
  for (const name of readdirSync(vmSourcesDir).filter((f) => f.endsWith(".jsonl")).map((f) => f.replace(/\.jsonl$/, "") as SourceName)) {
    for (const [i, record] of shipped(name).entries()) {
      t.is(detectSource(record), name, `${name}:${i + 1} by its envelope`);
      const { source } = splitEnvelope(record);
      t.is(detectSource(source), name, `${name}:${i + 1} by its shape alone`);
      const parsed = parseRecord(SOURCES[name], source);
      t.true(parsed.ok, parsed.ok ? "" : `${name}:${i + 1}: ${parsed.reason}`);
    }
  }
});

test("nginx: requests through, refused by the gate, and denied by the gateway, with the client as the target host", (t) => {
  const nginx = events("nginx");
  t.deepEqual(count(nginx.map((e) => `${e.action}/${e.outcome}/${e.category}`)), {
    "gate.refused/blocked/access": 2,
    "http.denied/failure/auth": 3,
    "http.request/success/access": 5,
  });
  t.deepEqual(count(nginx.filter((e) => e.action === "gate.refused").map((e) => e.message.replace(/^.* gate=(\S+) .*$/, "$1"))), { expired: 1, "shipping-failing": 1 });
  for (const e of nginx) t.is(e.target.host, "127.0.0.1");
  // Times come from $msec: milliseconds, not the second of $time_iso8601.
  t.true(nginx.some((e) => !e.time.endsWith(".000Z")));
  t.false(JSON.stringify(shipped("nginx")).includes("planted-query-token"), "query strings are never logged");
});

test("egress: connections let through and refused, destination and port as the target", (t) => {
  const egress = events("egress");
  t.deepEqual(count(egress.map((e) => `${e.action}/${e.outcome}`)), { "network.connect/success": 4, "network.refused/blocked": 3 });
  t.deepEqual(egress[0]!.target, { path: null, url: "tcp://192.0.2.10:42001", host: "192.0.2.10", command: null });
  t.true(egress.some((e) => e.target.url?.startsWith("tcp://[2001:0db8:")));
  t.regex(egress[0]!.message, /^log TCP 192\.0\.2\.1:35126 -> 192\.0\.2\.10:42001 uid=65534$/);
});

test("journal: systemd's unit messages by catalog id, the units' own output, each unit its subsystem", (t) => {
  const journal = events("journal");
  t.deepEqual(count(journal.map((e) => `${e.subsystem} ${e.action}/${e.outcome}`)), {
    "fluent-bit.service service.resources/unknown": 1,
    "fluent-bit.service service.stopped/success": 1,
    "fluent-bit.service service.stopping/unknown": 1,
    "fluent-bit.service service.succeeded/success": 1,
    "oclog-collect.service service.log/unknown": 1,
    "openclaw.service service.exited/failure": 2,
    "openclaw.service service.failed/failure": 2,
    "openclaw.service service.log/unknown": 2,
    "openclaw.service service.restart_scheduled/failure": 2,
    "openclaw.service service.started/success": 1,
    "openclaw.service service.starting/unknown": 1,
  });
  t.true(journal.every((e) => e.category === "system"));
  t.is(journal.find((e) => e.message.includes("fatal:"))!.level, "error", "PRIORITY 3 is an error");
});

test("oclog: its own events, as the emitter sent them", (t) => {
  const oclog = events("oclog");
  t.deepEqual(oclog.map((e) => `${e.subsystem} ${e.action}/${e.outcome}`), [
    "oclog/sas-rotate sas.checked/success",
    "oclog/sas-rotate sas.rotated/success",
    "oclog/sas-install sas.installed/success",
    "oclog/guard guard.failing/failure",
    "oclog/guard guard.ok/success",
  ]);
});

test("bad records of every source are refused, with the source named by their envelope", (t) => {
  const bad = badRecords();
  t.deepEqual([...new Set(bad.map((b) => b.source))].sort(), [...SOURCE_NAMES].sort(), "every source has bad records");
  for (const { source, why, record } of bad) {
    t.is(detectSource(record), source, why);
    const result = normalize(source, record);
    t.false(result.ok, `${source}: ${why}`);
  }
});

test("journal: a unit message claimed by another process than PID 1 is that process's output, not systemd's word", (t) => {
  const result = normalize("journal", forgedUnitClaim());
  if (!result.ok) return t.fail(result.reason);
  t.like(result.events[0], { action: "service.log", subsystem: "openclaw.service", outcome: "unknown", raw: { variant: "output" } });
});
