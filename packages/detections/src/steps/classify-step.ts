/**
 * The classification of one agent step, whatever its tool: `exec` (its shell command), `read`,
 * `write`, `edit` (their path), `apply_patch` (every path in the patch text), `web_fetch` and
 * `browser` (their URL). The step's arguments are taken as the tool call recorded them, so the
 * loader can pass the parsed `arguments` object through unchanged.
 */
import { defaultCatalogue, matchPathEntry, knownHostKind, type Catalogue } from "./catalogue.js";
import { classifyCodeInto, classifyCommand } from "./classify-command.js";
import { connectionScope, parseDestination } from "./destination.js";
import { patchDeletionOf } from "./destructive-commands.js";
import { patchPaths } from "./patch-paths.js";
import { normalisePath } from "./path-pattern.js";
import { emptyStepClass, type StepClass } from "./step-class.js";
import { urlCarriesData } from "./url-payload.js";

/** One step: the tool's name and its arguments as recorded. */
export interface Step {
  tool: string;
  args: unknown;
}

const READ_TOOLS = new Set(["read", "view", "cat", "open", "grep", "find", "ls", "glob"]);
const WRITE_TOOLS = new Set(["write", "edit", "multiedit", "create", "str_replace", "insert"]);
/** Tools that bring outside content into the session (a search brings it with no URL of its own). */
export const FETCH_TOOLS: ReadonlySet<string> = new Set(["web_fetch", "browser", "fetch", "web_search", "x_search", "http_request"]);
/** Fetch tools whose result is outside content whatever they were given. */
export const SEARCH_TOOLS: ReadonlySet<string> = new Set(["web_search", "x_search"]);
const EXEC_TOOLS = new Set(["exec", "bash", "shell", "process", "run", "terminal"]);

/** Classifies one step; any input (hostile, huge, wrong types) gives a result, never an exception. */
export function classifyStep(step: Step, catalogue: Catalogue = defaultCatalogue()): StepClass {
  try {
    return classifyUnsafe(step, catalogue);
  } catch {
    // A bug here must not stop a load: say the step could not be read.
    return { ...emptyStepClass(), parse_error: true };
  }
}

function classifyUnsafe(step: Step, catalogue: Catalogue): StepClass {
  const tool = typeof step.tool === "string" ? step.tool.toLowerCase() : "";
  const args = normaliseArgs(step.args);
  if (EXEC_TOOLS.has(tool)) {
    const command = text(args.command) ?? text(args.cmd) ?? text(args.script) ?? "";
    return classifyCommand(command, catalogue);
  }
  const out = emptyStepClass();
  if (tool === "apply_patch") {
    const patch = text(args.input) ?? text(args.patch) ?? text(args.content) ?? "";
    const deleted: string[] = [];
    const added: string[] = [];
    for (const { operation, path } of patchPaths(patch)) {
      addWrite(out, catalogue, path, `apply_patch ${operation} ${path}`, operation !== "delete");
      if (operation === "delete" && deleted.length < 1000) deleted.push(path);
      else if (operation !== "delete" && added.length < 1000) added.push(path);
    }
    const deletion = patchDeletionOf(deleted, added);
    if (deletion) out.destroys.push(deletion);
    return out;
  }
  const path = text(args.path) ?? text(args.file_path) ?? text(args.filePath) ?? text(args.file);
  if (WRITE_TOOLS.has(tool) && path !== null) {
    addWrite(out, catalogue, path, `${tool} ${path}`, true);
    return out;
  }
  if (READ_TOOLS.has(tool) && path !== null) {
    const entry = matchPathEntry(catalogue.secretPaths, normalisePath(path));
    if (entry) out.reads_secret.push({ path, kind: entry.kind, reason: `${tool} ${path}: ${entry.why}` });
    return out;
  }
  if (FETCH_TOOLS.has(tool)) {
    const url = text(args.url) ?? text(args.targetUrl) ?? text(args.href);
    if (url !== null) {
      const destination = parseDestination(url, "https");
      if (destination) out.connects.push({ ...destination, via: tool, known: knownHostKind(catalogue, destination.host), scope: connectionScope(destination.host) });
      const carries = urlCarriesData(url);
      if (carries) out.outbound_data.push({ reason: `${tool} URL${destination ? ` to ${destination.host}` : ""}: ${carries}` });
      if (/^file:/i.test(url)) {
        const entry = matchPathEntry(catalogue.secretPaths, normalisePath(url));
        if (entry) out.reads_secret.push({ path: url, kind: entry.kind, reason: `${tool} ${url}: ${entry.why}` });
      }
    }
    // A browser's evaluate action runs page JavaScript: read it like node code.
    const code = text(args.fn) ?? text(args.script) ?? text(args.expression);
    if (code !== null) classifyCodeInto(code, "node", catalogue, out);
    return out;
  }
  return out;
}

function addWrite(out: StepClass, catalogue: Catalogue, path: string, via: string, writes: boolean): void {
  out.writes_paths.push(path);
  if (!writes) return;
  const entry = matchPathEntry(catalogue.persistencePaths, normalisePath(path));
  if (entry) out.writes_persistence.push({ path, kind: entry.kind, reason: `${via}: ${entry.why}` });
}

// Tool arguments arrive as an object, or as the JSON text of one (some transcripts keep it raw).
function normaliseArgs(args: unknown): Record<string, unknown> {
  if (typeof args === "string") {
    try {
      const parsed: unknown = JSON.parse(args);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      return { command: args, input: args, url: args, path: args };
    }
  }
  if (args && typeof args === "object" && !Array.isArray(args)) return args as Record<string, unknown>;
  return {};
}

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}
