// Scrubbing for captured OpenClaw output: machine paths, secrets, hostname and
// ports become stable placeholders so fixtures can be committed and diffed.
//
// It works on parsed JSON values (keys and strings), never on raw text, so a
// scrubbed line is always valid JSON. Secrets and paths contain no characters
// JSON escapes, so they are also found inside JSON text nested in strings
// (e.g. SQLite `event_json` / `payload_json` columns).
import { realpathSync } from "node:fs";

/** One literal-to-placeholder rule. */
export interface ScrubRule {
  from: string;
  to: string;
  // "path": only replaced where the match ends at a path boundary, so
  // /tmp/x/run2 does not rewrite /tmp/x/run20.
  kind: "path" | "secret" | "literal";
}

/** What to scrub. */
export interface ScrubSpec {
  paths: Array<{ from: string; to: string }>;
  secrets: string[];
  hostname?: string;
  hostnameTo?: string;
  literals?: Array<{ from: string; to: string }>;
  ports?: Array<{ from: number; to: number }>;
}

/** A compiled scrubber. */
export interface Scrubber {
  string(s: string): string;
  value<T>(v: T): T;
  /** Scrubs one JSON text line; returns valid JSON (non-JSON lines become a JSON string). */
  jsonLine(line: string): string;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function withRealpaths(paths: ScrubSpec["paths"]): ScrubSpec["paths"] {
  const out = [...paths];
  for (const p of paths) {
    try {
      const real = realpathSync(p.from);
      if (real !== p.from) out.push({ from: real, to: p.to });
    } catch {
      // Path gone or never existed: the literal is enough.
    }
  }
  return out;
}

/** Builds a scrubber; the identity scrubber when spec is null. */
export function makeScrubber(spec: ScrubSpec | null): Scrubber {
  if (!spec) {
    return { string: (s) => s, value: (v) => v, jsonLine: (l) => l };
  }
  const secrets = spec.secrets.filter((s) => s.length >= 8);
  // Longest first: a nested directory must win over its parent.
  const paths = withRealpaths(spec.paths)
    .filter((p) => p.from.length > 1)
    .sort((a, b) => b.from.length - a.from.length);
  const pathRes = paths.map((p) => ({ re: new RegExp(`${escapeRe(p.from)}(?![A-Za-z0-9_-]|\\.[A-Za-z0-9_-])`, "g"), to: p.to }));
  const literals = (spec.literals ?? []).filter((l) => l.from.length >= 3);
  const host = spec.hostname && spec.hostname.length > 0 ? spec.hostname : undefined;
  const hostTo = spec.hostnameTo ?? "oclog-host";
  // Short hostnames (like "vm") are common words: only rewrite them in
  // host-ish contexts. Long ones are safe to rewrite at word boundaries.
  const hostRes = host
    ? [
        new RegExp(`(\\bhost(?:name)?\\s*[=:]\\s*"?)${escapeRe(host)}(?![A-Za-z0-9.-])`, "gi"),
        ...(host.length >= 6 ? [new RegExp(`(?<![A-Za-z0-9.-])()${escapeRe(host)}(?![A-Za-z0-9-])`, "g")] : []),
      ]
    : [];
  const ports = spec.ports ?? [];
  const portRes = ports.map((p) => ({
    re: new RegExp(`((?:127\\.0\\.0\\.1|localhost|\\[::1\\]|::1):)${p.from}(?![0-9])`, "g"),
    to: String(p.to),
  }));

  const string = (input: string): string => {
    let s = input;
    for (const secret of secrets) if (s.includes(secret)) s = s.split(secret).join("<REDACTED>");
    for (const { re, to } of pathRes) s = s.replace(re, to);
    for (const l of literals) if (s.includes(l.from)) s = s.split(l.from).join(l.to);
    if (host) {
      if (s === host) return hostTo;
      for (const re of hostRes) s = s.replace(re, `$1${hostTo}`);
    }
    for (const { re, to } of portRes) s = s.replace(re, `$1${to}`);
    for (const p of ports) if (s === String(p.from)) return String(p.to);
    return s;
  };

  const value = <T>(v: T, key?: string): T => {
    if (typeof v === "string") return string(v) as T;
    if (typeof v === "number" && key !== undefined && /port/i.test(key)) {
      const hit = ports.find((p) => p.from === v);
      return (hit ? hit.to : v) as T;
    }
    if (Array.isArray(v)) return v.map((x) => value(x)) as T;
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[string(k)] = value(x, k);
      return out as T;
    }
    return v;
  };

  return {
    string,
    value: (v) => value(v),
    jsonLine(line) {
      try {
        return JSON.stringify(value(JSON.parse(line) as unknown));
      } catch {
        return JSON.stringify(string(line));
      }
    },
  };
}
