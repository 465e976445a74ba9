// Blobs exactly as a real Fluent Bit (4.2.8 and 5.1.1) shipped a real OpenClaw 2026.9.6 log.
import test from "ava";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { collectToolCalls, detectSource, normalize, readRawLines, validateLines } from "@oclog/schema";
import { SHARED_SAMPLES } from "./fixture-lines.js";

function blobsUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? blobsUnder(path) : path.endsWith(".gz") ? [path] : [];
  });
}

const root = fileURLToPath(SHARED_SAMPLES);

for (const version of ["fluent-bit-v4", "fluent-bit-v5"]) {
  test(`every record shipped by ${version} validates and normalizes`, async (t) => {
    const blobs = blobsUnder(join(root, version));
    t.is(blobs.length, 2);
    for (const blob of blobs) {
      const report = await validateLines(blob, readRawLines(blob, 4 << 20));
      t.true(report.total > 0, blob);
      t.is(report.invalid, 0, JSON.stringify(report.errors.slice(0, 3)));
    }
  });

  test(`${version}: tool calls are recovered with outcomes and session ids`, (t) => {
    const events = blobsUnder(join(root, version)).flatMap((blob) =>
      gunzipSync(readFileSync(blob))
        .toString("utf8")
        .split("\n")
        .filter(Boolean)
        .flatMap((line, i) => {
          const value = JSON.parse(line) as Record<string, unknown>;
          const result = normalize(detectSource(value)!, value, { ref: `${blob}:${i + 1}` });
          if (!result.ok) throw new Error(result.reason);
          return result.events;
        }),
    );
    t.true(events.every((e) => e.user === "alice" && e.host === "vm-alice"), "envelope fills user and host");
    const calls = collectToolCalls(events);
    const byName = (name: string, arg: string) => calls.find((c) => c.name === name && JSON.stringify(c.arguments).includes(arg));
    t.is(byName("exec", "/etc/hostname")?.outcome, "success");
    t.is(byName("read", "/etc/passwd")?.outcome, "blocked");
    t.is(byName("exec", "nonexistent")?.outcome, "failure");
    t.is(byName("web_fetch", "127.0.0.1")?.outcome, "blocked", "the nested web_fetch behind tool_call is visible");
    const transcriptCalls = calls.filter((c) => c.sessionId !== null);
    t.is(transcriptCalls.length, calls.length, "session id comes from oclog_path");
  });
}
