// The collector as the VM runs it: Node 24 (OpenClaw's runtime), where it reads OpenClaw's
// databases through the built-in node:sqlite, with no native module. The same rows, zstd ones
// included, arrive exactly once, as they do through better-sqlite3 on this host's Node.
// Hostile rows (a zstd bomb, 101 levels deep, over 4 MiB) arrive marked through the same path.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { ensureOpenClaw } from "../../../test/openclaw/install.js";
import { childArgs } from "./child-command.js";
import { OpenClawState, TRANSCRIPT_ROWS } from "@oclog/test-kit/openclaw";
import { duplicates, Receiver } from "@oclog/test-kit/fluent-bit";

test("under Node 24 `oclog collect --once` reads through node:sqlite and every row arrives once", async (t) => {
  t.timeout(300_000);
  const { nodeBin } = await ensureOpenClaw();
  const root = mkdtempSync(join(tmpdir(), "oclog-collect-node24-"));
  const state = new OpenClawState(join(root, "openclaw"));
  const receiver = new Receiver(join(root, "forward.sock"));
  const expected = [...state.appendTranscript("main"), ...state.appendLedger("a"), ...state.appendConfigAudit("a")];
  // Hostile rows through node:sqlite's octet_length and zlib's own zstd decoder (capped by maxOutputLength).
  const session = "12121212-1212-4121-8121-121212121212";
  const navigation = TRANSCRIPT_ROWS.find((r) => r.row.navigation_json)!.row.navigation_json;
  const insert = state.agent("main").prepare("INSERT INTO transcript_events (session_id, seq, event_json, created_at, event_zstd, event_utf8_bytes, navigation_json) VALUES (?, ?, ?, ?, ?, ?, ?)");
  insert.run(session, 0, null, 1795600600000, readFileSync(new URL("../../../test/hostile/corpus/collect/event-zstd-bomb-1gib-declared.zst", import.meta.url)), 1_000, navigation);
  insert.run(session, 1, readFileSync(new URL("../../../test/hostile/corpus/collect/event-nested-101.json", import.meta.url), "utf8"), 1795600600001, null, null, null);
  insert.run(session, 2, JSON.stringify({ type: "message", pad: "c".repeat(4 * 1024 * 1024 + 1) }), 1795600600002, null, null, null);
  const hostile = [0, 1, 2].map((seq) => `agents/main/agent/openclaw-agent.sqlite#${session}/${seq}`);
  expected.push(...hostile);
  await receiver.start();
  try {
    const child = spawn(nodeBin, childArgs("collect-child.ts", ["--once", "--json", "--state-dir", state.dir, "--socket", receiver.path, "--collector-state", join(root, "collector")]), { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString("utf8")));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString("utf8")));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    t.is(code, 0, stderr);
    t.regex(stderr, /"event":"start".*"sqlite":"node:sqlite"/, "the built-in binding, not the native module");
    t.is((JSON.parse(stdout.trim().split("\n").pop()!) as { read: number }).read, expected.length);
    // Stopped, Fluent Bit has written out everything it acknowledged.
    await receiver.stop();
    t.deepEqual(receiver.ids().sort(), [...expected].sort());
    t.deepEqual(duplicates(receiver.ids()), []);
    const marks = hostile.map((id) => String(receiver.entries.find((e) => e.record.oclog_id === id)!.record.oclog_invalid));
    t.regex(marks[0]!, /decompresses to more than 4194304 bytes/);
    t.regex(marks[1]!, /nests deeper than 48 levels/);
    t.regex(marks[2]!, /over the 4194304-byte row limit/);
  } finally {
    await receiver.stop();
    state.close();
  }
});
