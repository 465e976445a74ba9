import test from "ava";
import { mkdtempSync, writeFileSync, createWriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { readRawLines, validateLines, DEFAULT_VALIDATE_OPTIONS, type FileReport } from "@oclog/schema";
import { loadFixtures } from "./fixture-lines.js";

const dir = mkdtempSync(join(tmpdir(), "oclog-bad-input-"));
const goodLine = JSON.stringify(loadFixtures("gateway-log-variants.jsonl")[0]!.record);

async function validate(name: string, content: Buffer | string, source: "gateway-log" | "auto" = "gateway-log"): Promise<FileReport> {
  const path = join(dir, name);
  writeFileSync(path, content);
  const options = { ...DEFAULT_VALIDATE_OPTIONS, source };
  return validateLines(path, readRawLines(path, options.maxLineBytes), options);
}

test("a non-JSON line gets a per-line reason; the other lines still validate", async (t) => {
  const report = await validate("non-json.log", `${goodLine}\nnot json at all\n${goodLine}\n`);
  t.is(report.total, 3);
  t.is(report.valid, 2);
  t.is(report.invalid, 1);
  t.is(report.errors[0]!.line, 2);
  t.regex(report.errors[0]!.reason, /^not JSON: /);
});

test("a JSON line of an unknown shape is invalid, with what it lacks", async (t) => {
  const report = await validate("unknown.log", `{"foo":1,"bar":[2]}\n`);
  t.is(report.invalid, 1);
  t.regex(report.errors[0]!.reason, /not an OpenClaw gateway log record: no tslog "_meta" \(keys: "foo", "bar"\)/);
  const auto = await validate("unknown-auto.log", `{"foo":1}\n[1,2]\n"str"\n`, "auto");
  t.is(auto.invalid, 3);
  t.true(auto.errors.every((e) => /unknown record shape/.test(e.reason)));
});

test("a 10 MB line is reported by size without being buffered whole", async (t) => {
  const path = join(dir, "huge.log");
  const out = createWriteStream(path);
  out.write(`${goodLine}\n{"0":"`);
  const chunk = "x".repeat(1024 * 1024);
  for (let i = 0; i < 10; i++) out.write(chunk);
  out.write(`"}\n${goodLine}\n`);
  out.end();
  await once(out, "finish");
  const report = await validateLines(path, readRawLines(path, DEFAULT_VALIDATE_OPTIONS.maxLineBytes), { ...DEFAULT_VALIDATE_OPTIONS, source: "gateway-log" });
  t.is(report.total, 3);
  t.is(report.valid, 2);
  t.is(report.errors[0]!.line, 2);
  t.regex(report.errors[0]!.reason, /line is 10\.0 MiB, over the 4\.0 MiB limit/);
});

test("an empty file has zero lines and a warning, not a crash", async (t) => {
  const report = await validate("empty.log", "");
  t.is(report.total, 0);
  t.is(report.invalid, 0);
  t.deepEqual(report.warnings, ["file is empty: no records to validate"]);
});

test("a line that is not UTF-8 is invalid with the byte offset; neighbours are fine", async (t) => {
  const latin1 = Buffer.from(`{"0":"caf\xe9"}`, "latin1");
  const report = await validate("latin1.log", Buffer.concat([Buffer.from(`${goodLine}\n`), latin1, Buffer.from(`\n${goodLine}\n`)]));
  t.is(report.valid, 2);
  t.is(report.errors[0]!.line, 2);
  t.is(report.errors[0]!.reason, "not valid UTF-8 (first bad byte near offset 9)");
});

test("blank lines and CRLF endings", async (t) => {
  const report = await validate("crlf.log", `${goodLine}\r\n\r\n${goodLine}\r\n`);
  t.is(report.total, 3);
  t.is(report.valid, 2);
  t.deepEqual(report.errors, [{ line: 2, reason: "blank line" }]);
});

test("errors beyond --max-errors are counted, not listed", async (t) => {
  const path = join(dir, "many.log");
  writeFileSync(path, "x\n".repeat(25));
  const options = { ...DEFAULT_VALIDATE_OPTIONS, source: "gateway-log" as const, maxErrors: 10 };
  const report = await validateLines(path, readRawLines(path, options.maxLineBytes), options);
  t.is(report.invalid, 25);
  t.is(report.errors.length, 10);
  t.is(report.errorsOmitted, 15);
});

test("a corrupt gzip file ends with a read error after the lines before it", async (t) => {
  const { gzipSync } = await import("node:zlib");
  const gz = gzipSync(`${goodLine}\n${goodLine}\n`.repeat(200));
  const report = await validate("corrupt.log.gz", Buffer.concat([gz.subarray(0, gz.length - 40), Buffer.from("garbage-garbage-garbage-garbage-garbage!")]));
  t.true(report.valid > 0);
  t.is(report.invalid, 1);
  t.regex(report.errors[0]!.reason, /^cannot read further: /);
});
