// One real OpenClaw capture per ava worker process, shared by every test that
// imports it: a capture costs about a minute, so tests must not each start one.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { captureOpenClaw, type CaptureResult } from "./capture.js";

let pending: Promise<CaptureResult> | undefined;

/** Returns this process's capture (scrubbed, in a temp dir), starting it on first use. */
export function getCapture(): Promise<CaptureResult> {
  if (!pending) {
    const outDir = mkdtempSync(join(tmpdir(), "oclog-capture-"));
    // OCLOG_KEEP_CAPTURE=1 keeps the artifacts (and the OpenClaw state dir) to debug a failure.
    const keep = process.env.OCLOG_KEEP_CAPTURE === "1";
    if (!keep) process.once("exit", () => rmSync(outDir, { recursive: true, force: true }));
    pending = captureOpenClaw({ outDir, scrub: true, keepWorkDir: keep, copyStateTo: join(outDir, "openclaw-state") });
  }
  return pending;
}
