// Recall and false alarms of the VM-source detections on generated variants, not only on their
// hand-written fixtures: seeded random destinations (IPv4 and IPv6), ports, units, timings inside
// and just outside the windows, thresholds one below (4 denials, 2 restarts) and the ordinary
// events the rules must let pass. Every variant gets its own user and VM, so variants cannot
// interact; a rule's rows are counted per variant. The numbers are printed (t.log) and asserted.
import test, { type ExecutionContext } from "ava";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { DETECTIONS_DIR, loadDetections, runDetections } from "../src/detect/detections.js";
import { loadEventsJsonl } from "../src/load/events-table.js";
import { ADDR, Fixture, fixtureText, VM_LINES, type Who } from "./fixtures/detections/build-fixtures.js";
import { Dice } from "../../../test/hostile/hostile-random.js";

const { detections } = await loadDetections(DETECTIONS_DIR);
const scratch = mkdtempSync(join(tmpdir(), "oclog-vm-variants-"));
const { nginx: NGINX, egress: EGRESS, journal: JOURNAL } = VM_LINES;

/** The fuzzers' seeded Dice (test/hostile/hostile-random.ts), plus the IPv6 groups these variants need. */
class VariantDice extends Dice {
  hex4(): string {
    return this.int(1, 0xffff).toString(16).padStart(4, "0");
  }
  /**
   * An address outside every prefix the variants connect to otherwise (the model API, search API and
   * docs host sit in 198.18.0.0/16 and 2001:db8:0::/48): 198.19.0.0/16 (RFC 2544) or 2001:db8::/32.
   */
  destination(): { dst: string; v6: boolean } {
    if (this.next() < 0.5) return { dst: `2001:0db8:${this.hex4()}:${this.hex4()}:0000:0000:0000:${this.hex4()}`, v6: true };
    return { dst: `198.19.${this.int(0, 255)}.${this.int(1, 254)}`, v6: false };
  }
  /** Another address of the model API's CDN: the same /24 or /48 as the one seen earlier. */
  rotatedModelApi(): { dst: string; v6: boolean } {
    return this.next() < 0.5
      ? { dst: `2001:0db8:0000:${this.hex4()}:0000:0000:0000:${this.hex4()}`, v6: true }
      : { dst: `198.18.140.${this.int(1, 254)}`, v6: false };
  }
}

interface Variant {
  name: string;
  attack: boolean;
  /** Rows the rule must return for this variant (0 for the ordinary ones). */
  expected: number;
}

/** Variants of one rule in one events file, each under its own users. */
class Corpus {
  readonly fixture = new Fixture();
  readonly variants: Variant[] = [];
  private readonly owner = new Map<string, number>();

  /** A new variant; `who(suffix)` names its users and VMs (a second user for "someone else's VM"). */
  add(name: string, attack: boolean, expected: number): (suffix?: string) => Who {
    const index = this.variants.push({ name, attack, expected }) - 1;
    return (suffix = "") => {
      const user = `v${index}${suffix}`;
      this.owner.set(user, index);
      return { user, host: `vm-${user}`, session: `5b0e3f7c-2a4d-4f61-9a53-${String(index).padStart(12, "0")}` };
    };
  }

  /** `rounds` ordinary variants of each kind; `other()` is a second user for "someone else's VM". */
  addOrdinary(kinds: readonly [string, (who: Who, other: () => Who) => void][], rounds: number): void {
    for (let round = 0; round < rounds; round++) {
      for (const [name, make] of kinds) {
        const who = this.add(name, false, 0);
        make(who(), () => who("b"));
      }
    }
  }

  /** Runs the rule; per variant, the rows it returned. */
  async rowsPerVariant(stem: string): Promise<number[]> {
    const detection = detections.find((d) => d.stem === stem);
    if (!detection) throw new Error(`no detection ${stem}`);
    const path = join(scratch, `${stem}.jsonl`);
    writeFileSync(path, fixtureText(stem, this.fixture.events));
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
      await loadEventsJsonl(connection, path);
      const { findings, errors } = await runDetections(connection, [detection], { rowLimit: 100_000 });
      if (errors.length > 0) throw new Error(JSON.stringify(errors));
      const rows = this.variants.map(() => 0);
      for (const row of findings[0]?.rows ?? []) rows[this.owner.get(String(row.user))!]! += 1;
      return rows;
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }
}

/**
 * Runs the rule over the corpus and scores it: recall (attacks with exactly their expected rows)
 * and false alarms (ordinary variants with any row), printed and returned for the assertion.
 */
async function measure(t: ExecutionContext, corpus: Corpus, stem: string) {
  const rows = await corpus.rowsPerVariant(stem);
  const attacks = corpus.variants.filter((v) => v.attack);
  const ordinary = corpus.variants.filter((v) => !v.attack);
  const missed = corpus.variants.flatMap((v, i) => (v.attack && rows[i] !== v.expected ? [`${v.name}: ${rows[i]} rows, expected ${v.expected}`] : []));
  const alarms = corpus.variants.flatMap((v, i) => (!v.attack && rows[i]! > 0 ? [`${v.name}: ${rows[i]} rows`] : []));
  const result = { recall: `${attacks.length - missed.length}/${attacks.length}`, falseAlarms: `${alarms.length}/${ordinary.length}`, missed, alarms };
  t.log(`${stem}: recall ${result.recall}, false alarms ${result.falseAlarms}`);
  return result;
}

const second = (base: number, seconds: number) => new Date(base + seconds * 1000).toISOString();
const BASE = Date.UTC(2026, 10, 27, 9, 0, 0);
const WINDOW = 600;

// --- egress after an external read (rules 1 and 2) -------------------------------------------------

type ReadTool = "web_fetch" | "browser" | "web_search" | "x_search";
const PUBLIC_PAGES = ["https://docs.example.org/guide", "https://attacker.example.com/readme", "https://203.0.113.9/x", "https://[2001:db8::9]/p"];
const LOCAL_PAGES = ["http://127.0.0.1:8080/", "http://localhost:3000/x", "http://192.168.1.20/", "http://10.1.2.3/admin", "http://wiki.internal/page", "http://[::1]:8080/"];

/**
 * The common part of a variant: the model API and the resolver seen, then a read whose call
 * connects (fetches reach the page, searches their API) and whose result comes back after a while.
 * Returns when the result came back, in seconds after BASE.
 */
function readExternal(dice: Dice, f: Fixture, who: Who, options: { tool?: ReadTool; page?: string; outcome?: "ok" | "blocked" } = {}): number {
  const tool = options.tool ?? dice.pick<ReadTool>(["web_fetch", "browser", "web_search", "x_search"]);
  const id = `call_${who.user}_read`;
  const page = options.page ?? dice.pick(PUBLIC_PAGES);
  const args = tool === "web_fetch" ? { url: page } : tool === "browser" ? { action: "navigate", targetUrl: page } : { query: "openclaw egress" };
  const resultAt = dice.real(0.5, 20);
  f.connection(second(BASE, -60), EGRESS.connectV4, { dst: ADDR.modelApi, dpt: 443 }, who)
    .connection(second(BASE, -59), EGRESS.connectV6, { dst: ADDR.modelApiV6, dpt: 443, proto: "TCP" }, who)
    .connection(second(BASE, -50), EGRESS.dnsV4, { dst: ADDR.resolver }, who)
    .call(second(BASE, 0), id, tool, args, who);
  if (dice.chance(0.5)) f.trajectoryCall(second(BASE, 0), id, tool, args, who);
  f.connection(second(BASE, resultAt / 2), EGRESS.connectV4, { dst: tool.endsWith("search") ? ADDR.searchApi : ADDR.docsHost, dpt: 443 }, who);
  if (options.outcome === "blocked") f.blocked(second(BASE, resultAt), id, tool, "fetch failed: connect ECONNREFUSED", who);
  else f.ok(second(BASE, resultAt), id, tool, "<<<EXTERNAL_UNTRUSTED_CONTENT>>> page <<<END_EXTERNAL_UNTRUSTED_CONTENT>>>", who);
  return resultAt;
}

/** An egress line to `to` (refused or let through) at `at` seconds after BASE. */
function egress(f: Fixture, refused: boolean, at: number, to: { dst: string; v6: boolean }, dpt: number, who: Who, udp = false): void {
  const line = to.v6 ? (refused ? EGRESS.refusedV6 : EGRESS.connectV6) : udp ? (refused ? EGRESS.refusedDnsV4 : EGRESS.dnsV4) : refused ? EGRESS.refusedV4 : EGRESS.connectV4;
  f.connection(second(BASE, at), line, { dst: to.dst, dpt, proto: udp ? "UDP" : "TCP" }, who);
}

/** Attack and ordinary variants around a read; `refused` picks rule 1's lines, else rule 2's. */
function egressAfterReadCorpus(refused: boolean, seed: string): Corpus {
  const corpus = new Corpus();
  const dice = new VariantDice(seed);
  const f = corpus.fixture;
  // Anywhere in the 10 minutes, its very end included; at least a second in, for the retries below.
  const inWindow = (resultAt: number) => resultAt + dice.pick([dice.real(1, WINDOW), WINDOW, dice.real(WINDOW - 2, WINDOW)]);
  for (let i = 0; i < 20; i++) {
    // A new destination, any port, IPv4 or IPv6.
    const to = dice.destination();
    const tries = refused ? dice.int(1, 3) : 1;
    const who = corpus.add(`new destination ${to.dst} (${tries}x)`, true, tries)();
    const at = inWindow(readExternal(dice, f, who));
    const port = dice.pick([443, 80, 22, 4444, 8443]);
    // The allowlist refuses every retry again; each is a row.
    for (let k = 0; k < tries; k++) egress(f, refused, at - k * 0.2, to, port, who);
    // Once it has connected, the same destination on another port is not new again.
    if (!refused) egress(f, false, at + 1, to, port + 1, who);
  }
  for (let i = 0; i < 5; i++) {
    // Straight to an outside resolver (DNS over UDP).
    const who = corpus.add("DNS to an outside resolver", true, 1)();
    const at = inWindow(readExternal(dice, f, who));
    egress(f, refused, at, { dst: `198.51.100.${dice.int(1, 254)}`, v6: false }, 53, who, true);
  }

  const ordinary: [string, (who: Who, other: () => Who) => void][] = [
    ["after the 10 minutes", (who) => egress(f, refused, readExternal(dice, f, who) + WINDOW + dice.real(0.05, 3000), dice.destination(), 443, who)],
    ["before the result (the read's own)", (who) => egress(f, refused, readExternal(dice, f, who) * dice.real(0.05, 0.95), dice.destination(), 443, who)],
    ["after a blocked read", (who) => egress(f, refused, readExternal(dice, f, who, { outcome: "blocked" }) + dice.real(1, WINDOW), dice.destination(), 443, who)],
    ["after a local page", (who) => egress(f, refused, readExternal(dice, f, who, { tool: "web_fetch", page: dice.pick(LOCAL_PAGES) }) + dice.real(1, WINDOW), dice.destination(), 443, who)],
    ["the model API's CDN rotating", (who) => egress(f, refused, readExternal(dice, f, who) + dice.real(0.05, WINDOW), dice.rotatedModelApi(), 443, who)],
    ["on someone else's VM", (who, other) => {
      readExternal(dice, f, who);
      egress(f, refused, dice.real(30, WINDOW), dice.destination(), 443, other());
    }],
    ["while the next fetch waits for its result", (who) => {
      const resultAt = readExternal(dice, f, who);
      const next = resultAt + dice.real(1, 300);
      f.call(second(BASE, next), `call_${who.user}_next`, "web_fetch", { url: "https://unlisted.example.net/" }, who);
      egress(f, refused, next + 0.5, dice.destination(), 443, who);
      f.blocked(second(BASE, next + 1), `call_${who.user}_next`, "web_fetch", "fetch failed", who);
    }],
  ];
  if (!refused) {
    ordinary.push(
      ["DNS to the VM's own resolver", (who) => egress(f, false, readExternal(dice, f, who) + dice.real(0.05, WINDOW), { dst: ADDR.resolver, v6: false }, 53, who, true)],
      ["a destination seen before the read", (who) => {
        const seen = dice.destination();
        egress(f, false, -30, seen, 443, who);
        egress(f, false, readExternal(dice, f, who) + dice.real(0.05, WINDOW), seen, 443, who);
      }],
    );
  }
  corpus.addOrdinary(ordinary, 4);
  return corpus;
}

test("egress refused after an external read: every variant caught, no ordinary one flagged", async (t) => {
  const corpus = egressAfterReadCorpus(true, "refused");
  t.deepEqual(await measure(t, corpus, "network_egress_refused_after_external_content"), { recall: "25/25", falseAlarms: "0/28", missed: [], alarms: [] });
});

test("new destination after an external read: every variant caught, no ordinary one flagged", async (t) => {
  const corpus = egressAfterReadCorpus(false, "new-destination");
  t.deepEqual(await measure(t, corpus, "network_egress_new_destination_after_external_content"), { recall: "25/25", falseAlarms: "0/36", missed: [], alarms: [] });
});

// --- the recorder stopped (rule 4) ----------------------------------------------------------------

const RECORDERS = ["fluent-bit.service", "oclog-collect.service"] as const;
const STOP = [JOURNAL.stopping, JOURNAL.succeeded, JOURNAL.stopped, JOURNAL.resources];
const START = [JOURNAL.starting, JOURNAL.started];

/** systemd's messages of one start or stop, a few milliseconds apart, at `at` seconds after BASE. */
function unitMessages(f: Fixture, at: number, lines: readonly number[], unit: string, who: Who): void {
  lines.forEach((line, i) => f.unitMessage(second(BASE, at + i * 0.01), line, unit, () => {}, who));
}

/** One crash at `at` seconds: exit, failure, and (unless `restart` is null) systemd's restart. */
function crash(f: Fixture, at: number, unit: string, restart: number | null, who: Who): void {
  unitMessages(f, at, [JOURNAL.exited, JOURNAL.failed], unit, who);
  if (restart === null) return;
  f.restartScheduled(second(BASE, at + 0.5), unit, restart, who);
  unitMessages(f, at + 0.6, START, unit, who);
}

/** A recorder going down: a clean stop, a kill, an OOM kill, or crashes until the start limit. */
function recorderDown(dice: Dice, f: Fixture, unit: string, who: Who): string {
  const how = dice.pick(["stop", "kill", "oom", "start-limit"] as const);
  if (how === "stop") unitMessages(f, 0, STOP, unit, who);
  if (how === "kill") unitMessages(f, 0, [JOURNAL.killed, JOURNAL.failedSignal], unit, who);
  if (how === "oom") {
    f.oomKilled(second(BASE, 0), unit, who);
    unitMessages(f, 0.01, [JOURNAL.failedSignal], unit, who);
  }
  if (how === "start-limit") {
    // Restarted twice within seconds (not a stop), then systemd gives up (a stop).
    crash(f, -15, unit, 1, who);
    crash(f, -10, unit, 2, who);
    crash(f, 0, unit, null, who);
  }
  return how;
}

test("recorder stopped and stayed down: every variant caught, no ordinary one flagged", async (t) => {
  const corpus = new Corpus();
  const dice = new VariantDice("recorder");
  const f = corpus.fixture;
  for (let i = 0; i < 24; i++) {
    const unit = dice.pick(RECORDERS);
    const back = dice.pick(["never", "later", "gateway first"] as const);
    const who = corpus.add(`${unit} down, back ${back}`, true, 1)();
    unitMessages(f, -600, START, "openclaw.service", who);
    unitMessages(f, -599, START, unit, who);
    const how = recorderDown(dice, f, unit, who);
    corpus.variants.at(-1)!.name += ` (${how})`;
    if (back === "later") unitMessages(f, dice.real(121, 3 * 3600), START, unit, who);
    if (back === "gateway first") {
      // The gateway went down with it but came back alone: the agent ran unrecorded.
      unitMessages(f, dice.real(-110, 110), [JOURNAL.stopping, JOURNAL.stopped], "openclaw.service", who);
      unitMessages(f, dice.real(115, 300), START, "openclaw.service", who);
      if (dice.chance(0.5)) unitMessages(f, dice.real(430, 3600), START, unit, who);
    }
  }
  const ordinary: [string, (who: Who) => void][] = [
    ["restarted within 2 minutes", (who) => {
      const unit = dice.pick(RECORDERS);
      recorderDown(dice, f, unit, who);
      unitMessages(f, dice.real(0.2, 119), START, unit, who);
    }],
    ["killed, systemd restarted it", (who) => {
      const unit = dice.pick(RECORDERS);
      unitMessages(f, 0, [JOURNAL.killed, JOURNAL.failedSignal], unit, who);
      f.restartScheduled(second(BASE, 5), unit, 1, who);
      unitMessages(f, 5.1, START, unit, who);
    }],
    ["shutdown and boot", (who) => {
      const unit = dice.pick(RECORDERS);
      unitMessages(f, dice.real(-110, 110), [JOURNAL.stopping, JOURNAL.stopped], "openclaw.service", who);
      recorderDown(dice, f, unit, who);
      const boot = dice.real(600, 12 * 3600);
      unitMessages(f, boot + dice.real(-100, 5), START, "openclaw.service", who);
      unitMessages(f, boot, START, unit, who);
    }],
    ["shutdown at the end of the case", (who) => {
      unitMessages(f, dice.real(-110, 110), [JOURNAL.stopping, JOURNAL.stopped], "openclaw.service", who);
      recorderDown(dice, f, dice.pick(RECORDERS), who);
    }],
    ["another unit stopped for good", (who) => unitMessages(f, 0, STOP, dice.pick(["nginx.service", "openclaw.service", "oclog-guard.service", "openclaw-sandbox-podman.service"]), who)],
  ];
  corpus.addOrdinary(ordinary, 5);
  t.deepEqual(await measure(t, corpus, "system_recorder_service_stopped"), { recall: "24/24", falseAlarms: "0/25", missed: [], alarms: [] });
});

// --- crash loops (rule 5) -------------------------------------------------------------------------

const UNITS = ["openclaw.service", "fluent-bit.service", "oclog-collect.service", "nginx.service", "openclaw-sandbox-podman.service"];

/**
 * `n` times from 0 to `span` seconds, in order, the first and the last at the ends, at least a
 * second apart (a unit cannot crash again before systemd restarted it).
 */
function spreadTimes(dice: Dice, n: number, span: number): number[] {
  const weights = Array.from({ length: n - 1 }, () => dice.real(0.1, 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const times = [0];
  for (const w of weights) times.push(times.at(-1)! + 1 + (w / total) * (span - (n - 1)));
  // Exactly `span`, not a rounding error past it: a window's end is part of the window.
  if (n > 1) times[n - 1] = span;
  return times;
}

test("crash loops: 3 crashes in 10 minutes caught, 2 or a slower 3 not", async (t) => {
  const corpus = new Corpus();
  const dice = new VariantDice("crash-loop");
  const f = corpus.fixture;
  for (let i = 0; i < 24; i++) {
    const unit = dice.pick(UNITS);
    const n = dice.int(3, 6);
    const limit = dice.chance(0.3);
    const who = corpus.add(`${unit} ${n} crashes${limit ? ", the last one not restarted" : ""}`, true, n)();
    spreadTimes(dice, n, dice.pick([dice.real(10, WINDOW), WINDOW])).forEach((at, k) => crash(f, at, unit, limit && k === n - 1 ? null : k + 1, who));
  }
  const ordinary: [string, (who: Who) => void][] = [
    ["2 crashes", (who) => {
      const unit = dice.pick(UNITS);
      spreadTimes(dice, 2, dice.real(10, WINDOW)).forEach((at, k) => crash(f, at, unit, k + 1, who));
    }],
    ["3 crashes over more than 10 minutes", (who) => {
      const unit = dice.pick(UNITS);
      spreadTimes(dice, 3, WINDOW + dice.real(1, 1800)).forEach((at, k) => crash(f, at, unit, k + 1, who));
    }],
    ["3 units crashing once each", (who) => UNITS.slice(0, 3).forEach((unit, k) => crash(f, k * 60, unit, 1, who))],
    ["the guard failing every minute while offline", (who) => {
      const minutes = dice.int(5, 30);
      for (let minute = 0; minute < minutes; minute++) unitMessages(f, minute * 60, [JOURNAL.starting, JOURNAL.exited, JOURNAL.failed], "oclog-guard.service", who);
    }],
  ];
  corpus.addOrdinary(ordinary, 6);
  t.deepEqual(await measure(t, corpus, "system_service_crash_loop"), { recall: "24/24", falseAlarms: "0/24", missed: [], alarms: [] });
});

// --- 401/403 bursts at the gate (rule 6) -----------------------------------------------------------

const CLIENTS = ["10.0.2.2", "127.0.0.1", "203.0.113.50", "2001:db8::7", "2001:db8:1:2::99", "198.51.100.9"];

test("401/403 bursts at the gate: 5 in 5 minutes caught, 4 or slower ones not", async (t) => {
  const corpus = new Corpus();
  const dice = new VariantDice("gate-denied");
  const f = corpus.fixture;
  /** `n` denials from `client` within `span` seconds; some lines shipped twice, which must count once. */
  const denials = (n: number, span: number, client: string, who: Who) => {
    for (const at of spreadTimes(dice, n, span)) {
      const edit = { client, status: dice.pick([401, 403]), uri: dice.pick(["/api/sessions", "/v1/chat/completions", "/"]) };
      const copies = dice.chance(0.2) ? 2 : 1;
      for (let c = 0; c < copies; c++) f.request(second(BASE, Math.round(at * 1000) / 1000), NGINX.denied, edit, who);
    }
  };
  for (let i = 0; i < 24; i++) {
    const n = dice.int(5, 12);
    const client = dice.pick(CLIENTS);
    const who = corpus.add(`${n} denials from ${client}`, true, n)();
    denials(n, dice.pick([dice.real(12, 300), 300]), client, who);
  }
  const ordinary: [string, (who: Who) => void][] = [
    ["4 denials", (who) => denials(4, dice.real(3, 300), dice.pick(CLIENTS), who)],
    ["5 denials over more than 5 minutes", (who) => denials(5, 300 + dice.real(1, 900), dice.pick(CLIENTS), who)],
    ["5 denials from 5 addresses", (who) => CLIENTS.slice(0, 5).forEach((client) => denials(1, 0, client, who))],
    ["5 requests that were not denied", (who) => {
      const client = dice.pick(CLIENTS);
      for (let k = 0; k < 5; k++) f.request(second(BASE, k * 10), NGINX.ok, { client, status: dice.pick([200, 404, 500, 502]) }, who);
    }],
    ["5 gate refusals", (who) => {
      const client = dice.pick(CLIENTS);
      for (let k = 0; k < 5; k++) f.request(second(BASE, k * 10), dice.pick([NGINX.gateExpired, NGINX.gateShippingFailing]), { client }, who);
    }],
  ];
  corpus.addOrdinary(ordinary, 5);
  t.deepEqual(await measure(t, corpus, "auth_gate_denied_burst"), { recall: "24/24", falseAlarms: "0/25", missed: [], alarms: [] });
});
