// Steps on a warm case: appending a blob classifies and taint-tracks only its tool calls
// (load/tool-steps.ts, going on from the taint state the last load saved) and steps again only the
// sessions it touches (load/session-steps.ts), and must give exactly the `tool_steps`,
// `session_steps` and `sessions` a cold load of every blob gives. When the new blob would change a
// tool step already loaded (another copy of its call, a result that fails it) or comes before one,
// every tool step is made again. Real Fluent Bit blobs of a real gateway run, their transcript cut
// into blobs between each call and its result, and elsewhere.
import test from "ava";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { CaseDatabase, type EvidenceFile, type LoadOptions } from "../src/index.js";
import { readFixture } from "../../../test/scenarios/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "oclog-tool-steps-append-"));
const fixture = readFixture("prompt-injection-exfil")!;
const transcript = fixture.blobs.find((b) => b.name.includes("/openclaw.transcript/"))!;
const gateway = fixture.blobs.find((b) => b.name.includes("/openclaw.gateway/"))!;
const others = fixture.blobs.filter((b) => b !== transcript);
let blobNo = 0;

function write(name: string, lines: string[]): EvidenceFile {
  const content = gzipSync(`${lines.join("\n")}\n`);
  const path = join(dir, "evidence", ...name.split("/"));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return { blob: name, path, sha256: createHash("sha256").update(content).digest("hex") };
}
/** A blob of `lines` named like `like` (another upload of the same stream). */
const blobLike = (like: { name: string }, lines: string[]) => write(like.name.replace(/\.(\d+)\.gz$/, (_, ms: string) => `.${Number(ms) + ++blobNo}.gz`), lines);
const transcriptBlob = (lines: string[]) => blobLike(transcript, lines);
const base = others.map((b) => write(b.name, b.lines));

const options = (name: string): LoadOptions => ({ maxLineBytes: 64 * 1024, workDir: join(dir, `work-${name}`), containerUser: "sc-prompt-injection-exfil", incremental: true, loaderVersion: "test" });

/** The steps' tables as rows in a fixed order. */
async function steps(db: CaseDatabase): Promise<Record<string, unknown[]>> {
  const read = async (sql: string) => (await db.connection.runAndReadAll(sql)).getRowObjectsJson();
  return {
    tool_steps: await read("SELECT * FROM tool_steps ORDER BY time, blob, line, call_id"),
    session_steps: await read('SELECT * FROM session_steps ORDER BY "user", host, session_id, step_no'),
    sessions: await read('SELECT * FROM sessions ORDER BY "user", host, session_id'),
  };
}

/** Loads `first`, then appends `then`; returns how tool_steps was brought up to date, its rows, and the rows of one cold load of both. */
async function appendAfter(name: string, first: EvidenceFile[], then: EvidenceFile[]) {
  const warm = await CaseDatabase.open(join(dir, `${name}-warm.duckdb`));
  const cold = await CaseDatabase.open(join(dir, `${name}-cold.duckdb`));
  try {
    await warm.load(first, options(`${name}-1`));
    const appended = await warm.load([...first, ...then], options(`${name}-2`));
    await cold.load([...first, ...then], { ...options(`${name}-cold`), incremental: false });
    const inNew = await warm.connection.runAndReadAll(`SELECT count(*) FROM tool_steps WHERE blob IN (${then.map((f) => `'${f.blob}'`).join(", ")})`);
    return { update: appended.toolSteps!, newSteps: Number(inNew.getRows()[0]![0]), warm: await steps(warm), cold: await steps(cold) };
  } finally {
    warm.close();
    cold.close();
  }
}

test("the transcript cut into two blobs (between each call and its result, and more): the second appended gives the steps of a cold load, and its tool steps alone are classified", async (t) => {
  const lines = transcript.lines;
  const modes: string[] = [];
  // Every cut that parts a tool call from its result, and the first, middle and last line (each cut
  // is three loads; every line was 45 s of the suite).
  const partsCall = (cut: number) => lines[cut - 1]!.includes('"type":"toolCall"');
  const cuts = [...new Set([1, Math.floor(lines.length / 2), lines.length - 1, ...lines.map((_, cut) => cut).filter((cut) => cut > 0 && partsCall(cut))])].sort((a, b) => a - b);
  t.true(cuts.filter(partsCall).length >= 3, `cuts: ${cuts.join(" ")}`);
  for (const cut of cuts) {
    const { update, newSteps, warm, cold } = await appendAfter(`cut-${cut}`, [...base, transcriptBlob(lines.slice(0, cut))], [transcriptBlob(lines.slice(cut))]);
    t.deepEqual(warm, cold, `cut at line ${cut}: ${JSON.stringify(update)}`);
    t.true(cold.tool_steps!.length >= 3 && cold.session_steps!.length > cold.tool_steps!.length, `${cold.tool_steps!.length} tool steps`);
    modes.push(update.mode);
    if (update.mode === "appended") t.is(update.classified, newSteps, `cut ${cut}: ${JSON.stringify(update)}`);
  }
  t.true(modes.filter((m) => m === "appended").length >= cuts.length / 2, modes.join(" "));
});

test("a session known from the gateway log alone, its tool end in the next blob (a line with no session id): the session is stepped again, as a cold load steps it", async (t) => {
  const ledger = others.filter((b) => b !== gateway).map((b) => write(b.name, b.lines));
  const ends = gateway.lines.flatMap((line, i) => (line.includes("embedded run tool end:") ? [i] : []));
  t.true(ends.length >= 3);
  for (const cut of ends) {
    const { warm, cold } = await appendAfter(`gateway-${cut}`, [...ledger, blobLike(gateway, gateway.lines.slice(0, cut))], [blobLike(gateway, gateway.lines.slice(cut))]);
    t.deepEqual(warm, cold, `cut at line ${cut}`);
    t.true(cold.session_steps!.some((s) => (s as { source: string }).source === "gateway-log"), "the steps come from the gateway log");
  }
});

test("a blob of earlier steps appended after later ones: every step is made again, and the rows are a cold load's", async (t) => {
  const lines = transcript.lines;
  const cut = Math.floor(lines.length / 2);
  const { update, warm, cold } = await appendAfter("earlier", [...base, transcriptBlob(lines.slice(cut))], [transcriptBlob(lines.slice(0, cut))]);
  t.deepEqual(warm, cold);
  t.is(update.mode, "rebuilt");
  t.regex(update.rebuiltBecause ?? "", /no later than steps already loaded/);
});

test("another copy of a loaded call in a new blob (not a re-send: its own record id): every step is made again, and the rows are a cold load's", async (t) => {
  const call = transcript.lines.findIndex((l) => l.includes('"type":"toolCall"'));
  const copy = transcript.lines[call]!.replace(/"oclog_id":"([^"]+)"/, '"oclog_id":"$1-copy"');
  t.not(copy, transcript.lines[call]);
  const { update, warm, cold } = await appendAfter("copy", [...base, transcriptBlob(transcript.lines)], [transcriptBlob([copy])]);
  t.deepEqual(warm, cold);
  t.is(update.mode, "rebuilt");
  t.regex(update.rebuiltBecause ?? "", /changes a step already loaded/);
});

test("a failed result, in a new blob, of a call loaded before: every step is made again (the call's fetch no longer taints), and the rows are a cold load's", async (t) => {
  const lines = transcript.lines;
  const result = lines.findIndex((l) => l.includes('"role":"toolResult"') && l.includes('"toolName":"web_fetch"'));
  t.not(result, -1);
  const failed = lines[result]!.replace('"isError":false', '"isError":true');
  t.not(failed, lines[result]);
  const { update, warm, cold } = await appendAfter("failed", [...base, transcriptBlob(lines.filter((_, i) => i !== result))], [transcriptBlob([failed])]);
  t.deepEqual(warm, cold);
  t.is(update.mode, "rebuilt");
  t.true(warm.tool_steps!.every((row) => (row as { tainted: boolean }).tainted === false), "a failed fetch taints nothing");
});

test("a case without saved taint (made by an earlier oclog) is rebuilt once, then appended to", async (t) => {
  const lines = transcript.lines;
  const db = await CaseDatabase.open(join(dir, "no-state.duckdb"));
  try {
    const first = [...base, transcriptBlob(lines.slice(0, 4))];
    await db.load(first, options("no-state-1"));
    await db.connection.run("DROP TABLE tool_steps_taint");
    const second = [...first, transcriptBlob(lines.slice(4, 8))];
    const rebuilt = await db.load(second, options("no-state-2"));
    t.is(rebuilt.toolSteps?.mode, "rebuilt");
    t.regex(rebuilt.toolSteps?.rebuiltBecause ?? "", /no taint state/);
    const appended = await db.load([...second, transcriptBlob(lines.slice(8))], options("no-state-3"));
    t.is(appended.toolSteps?.mode, "appended");
  } finally {
    db.close();
  }
});
