// The collector as the VM runs it: Node 24 (OpenClaw's runtime), where it reads OpenClaw's
// databases through the built-in node:sqlite, with no native module. The same rows, zstd ones
// included, arrive exactly once, as they do through better-sqlite3 on this host's Node.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { ensureOpenClaw } from "../../../test/openclaw/install.js";
import { childArgs } from "./child-command.js";
import { OpenClawState } from "./openclaw-state.js";
import { duplicates, Receiver } from "./receiver.js";

test("under Node 24 `oclog collect --once` reads through node:sqlite and every row arrives once", async (t) => {
  t.timeout(300_000);
  const { nodeBin } = await ensureOpenClaw();
  const root = mkdtempSync(join(tmpdir(), "oclog-collect-node24-"));
  const state = new OpenClawState(join(root, "openclaw"));
  const receiver = new Receiver(join(root, "forward.sock"));
  const expected = [...state.appendTranscript("main"), ...state.appendLedger("a"), ...state.appendConfigAudit("a")];
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
  } finally {
    await receiver.stop();
    state.close();
  }
});
