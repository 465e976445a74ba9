/**
 * Legacy: the comment header (`-- key: value` lines) that rule files had before a rule became one
 * YAML file (rule-file.ts). Nothing in this package reads it any more; it stays only because
 * @oclog/investigate's index re-exports `parseDetectionHeader`. Delete it with that re-export.
 */
import type { DetectionMeta } from "./detection-meta.js";
import { DETECTION_STATUSES } from "./rule-name.js";
import { SEVERITIES, type Severity } from "./severity.js";

const REQUIRED_FIELDS = ["id", "title", "status", "severity", "tags", "description", "falsepositives"] as const;
const OPTIONAL_FIELDS = ["author", "date", "modified", "references"] as const;
const KNOWN_FIELDS = new Set<string>([...REQUIRED_FIELDS, ...OPTIONAL_FIELDS]);
const LIST_FIELDS = new Set<string>(["tags", "falsepositives", "references"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A detection's parsed metadata header, whatever query language follows it. */
export interface ParsedDetectionHeader {
  meta: Omit<DetectionMeta, "file">;
  author: string | null;
  date: string | null;
  modified: string | null;
  references: string[];
}

/** The header of a rule file (null when it has problems), the text after it, and every problem found. */
export interface DetectionHeaderParse {
  header: ParsedDetectionHeader | null;
  /** Everything after the header, trimmed. */
  body: string;
  problems: string[];
}

type HeaderValue = { kind: "scalar"; text: string } | { kind: "list"; items: string[] };

/**
 * Splits off and checks the metadata header: the leading lines that start with `commentPrefix`
 * (`--` for SQL, `//` for KQL). Problems are returned, never thrown, so callers can add their own.
 */
export function parseDetectionHeader(text: string, commentPrefix = "--"): DetectionHeaderParse {
  const lines = text.split(/\r?\n/);
  let end = 0;
  while (end < lines.length && lines[end]!.startsWith(commentPrefix)) end++;
  const problems: string[] = [];
  const values = parseHeader(lines.slice(0, end), commentPrefix.length, problems);
  const body = lines.slice(end).join("\n").trim();
  if (end === 0) problems.push(`no metadata header: the file must start with \`${commentPrefix} key: value\` comment lines`);

  const missing = REQUIRED_FIELDS.filter((field) => !values.has(field));
  if (missing.length > 0) problems.push(`missing field(s): ${missing.join(", ")}`);
  for (const [key, value] of values) {
    if (LIST_FIELDS.has(key) && value.kind !== "list") problems.push(`${key} must be a list ([a, b] or "- item" lines)`);
    if (!LIST_FIELDS.has(key) && value.kind !== "scalar") problems.push(`${key} must be a single value, not a list`);
  }
  const scalar = (key: string) => {
    const value = values.get(key);
    return value?.kind === "scalar" ? value.text : null;
  };
  const list = (key: string) => {
    const value = values.get(key);
    return value?.kind === "list" ? value.items : [];
  };

  const id = scalar("id");
  if (id !== null && !UUID.test(id)) problems.push(`id must be a lowercase UUID, got ${JSON.stringify(id)}`);
  const title = scalar("title");
  if (title === "") problems.push("title is empty");
  const description = scalar("description");
  if (description === "") problems.push("description is empty");
  const status = scalar("status");
  if (status !== null && !(DETECTION_STATUSES as readonly string[]).includes(status)) {
    problems.push(`unknown status ${JSON.stringify(status)} (expected ${DETECTION_STATUSES.join(", ")})`);
  }
  const severity = scalar("severity");
  if (severity !== null && !(SEVERITIES as readonly string[]).includes(severity)) {
    problems.push(`unknown severity ${JSON.stringify(severity)} (expected ${SEVERITIES.join(", ")})`);
  }
  for (const key of ["date", "modified"]) {
    const value = scalar(key);
    if (value !== null && !DATE.test(value)) problems.push(`${key} must be YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }

  if (problems.length > 0) return { header: null, body, problems };
  return {
    header: {
      meta: {
        id: id!,
        title: title!,
        status: status as DetectionMeta["status"],
        severity: severity as Severity,
        tags: list("tags"),
        description: description!,
        falsepositives: list("falsepositives"),
      },
      author: scalar("author"),
      date: scalar("date"),
      modified: scalar("modified"),
      references: list("references"),
    },
    body,
    problems,
  };
}

function parseHeader(lines: string[], prefixLength: number, problems: string[]): Map<string, HeaderValue> {
  const values = new Map<string, HeaderValue>();
  let current: string | null = null;
  lines.forEach((raw, index) => {
    const line = raw.slice(prefixLength).replace(/^ /, "");
    const where = `header line ${index + 1}`;
    if (line.trim() === "") return;
    const field = /^([A-Za-z_][A-Za-z0-9_]*):(?:\s+(.*))?$/.exec(line);
    if (field) {
      const key = field[1]!;
      const text = (field[2] ?? "").trim();
      current = key;
      if (!KNOWN_FIELDS.has(key)) problems.push(`${where}: unknown field ${JSON.stringify(key)}`);
      if (values.has(key)) problems.push(`${where}: duplicate field ${JSON.stringify(key)}`);
      values.set(key, text.startsWith("[") ? parseFlowList(text, where, problems) : { kind: "scalar", text: unquote(text) });
      return;
    }
    const item = /^\s+-\s+(.*)$/.exec(line);
    const continuation = /^\s+(\S.*)$/.exec(line);
    const value = current === null ? undefined : values.get(current);
    if (item && value !== undefined && (value.kind === "list" || value.text === "")) {
      values.set(current!, { kind: "list", items: [...(value.kind === "list" ? value.items : []), unquote(item[1]!.trim())] });
    } else if (continuation && value?.kind === "scalar") {
      values.set(current!, { kind: "scalar", text: `${value.text} ${continuation[1]!.trim()}`.trim() });
    } else {
      problems.push(`${where}: expected "key: value", an indented "- item" or an indented continuation, got ${JSON.stringify(line.slice(0, 60))}`);
    }
  });
  return values;
}

function parseFlowList(text: string, where: string, problems: string[]): HeaderValue {
  if (!text.endsWith("]")) {
    problems.push(`${where}: unterminated list ${JSON.stringify(text.slice(0, 60))}`);
    return { kind: "list", items: [] };
  }
  const inner = text.slice(1, -1).trim();
  return { kind: "list", items: inner === "" ? [] : inner.split(",").map((item) => unquote(item.trim())) };
}

function unquote(text: string): string {
  const quoted = /^(["'])(.*)\1$/.exec(text);
  return quoted ? quoted[2]! : text;
}
