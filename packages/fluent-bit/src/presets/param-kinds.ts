/**
 * What each kind of preset parameter may hold. A `--param` value ends up in a YAML scalar that
 * Fluent Bit expands (`${VAR}`) and splits (record_modifier's `key value`, systemd filters), in
 * blob paths and in every record, so each is checked against what it names (a host name, a
 * container, an absolute path...) before anything is rendered. Pure: no I/O.
 */
import { UserId } from "@oclog/schema";
import { UsageError, quoteUntrusted } from "@oclog/errors";

/** One kind of value: a test and a phrase saying what is allowed. */
export interface ParamKind {
  allowed: string;
  accepts(value: string): boolean;
}

const label = String.raw`[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?`;
const HOST_NAME = new RegExp(`^${label}(?:\\.${label})*$`);
// Absolute, made of the characters file names on the VM use; no `..` step, no `//`.
const ABSOLUTE_PATH = /^\/(?:[A-Za-z0-9._@+,=-]+\/?)*$/;
const RELATIVE_FILE = /^(?:[A-Za-z0-9_@+,=-][A-Za-z0-9._@+,=-]*\/)*[A-Za-z0-9_@+,=-][A-Za-z0-9._@+,=-]*\.ya?ml$/;
const hasDotDot = (value: string) => value.split("/").includes("..");
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const UNIT = /^[A-Za-z0-9:_.@\\-]+\.(service|socket|scope|slice|timer|mount|path|target)$/;

function url(value: string, schemes: readonly string[]): boolean {
  if (!/^[A-Za-z0-9:/._~%-]+$/.test(value)) return false;
  try {
    const parsed = new URL(value);
    return schemes.includes(parsed.protocol) && parsed.username === "" && parsed.password === "" && parsed.search === "" && parsed.hash === "" && HOST_NAME.test(parsed.hostname);
  } catch {
    return false;
  }
}

/** Every kind a preset parameter can be. */
export const PARAM_KINDS = {
  userId: { allowed: "a valid oclog user id: lowercase letters, digits and inner dashes, 1-63 chars", accepts: (v) => UserId.safeParse(v).success },
  hostName: { allowed: "a host name: letters, digits and inner dashes, dot-separated labels of at most 63 chars", accepts: (v) => v.length <= 253 && HOST_NAME.test(v) },
  storageAccount: { allowed: "an Azure storage account name: 3-24 lowercase letters and digits", accepts: (v) => /^[a-z0-9]{3,24}$/.test(v) },
  container: { allowed: "an Azure container name: 3-63 lowercase letters, digits and single inner dashes", accepts: (v) => /^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/.test(v) },
  blobEndpoint: { allowed: "an http(s) URL without credentials, query or fragment, e.g. https://acmelogs.blob.core.windows.net, or empty for Azure's default", accepts: (v) => v === "" || url(v, ["https:", "http:"]) },
  httpsUrl: { allowed: "an https URL without credentials, query or fragment", accepts: (v) => url(v, ["https:"]) },
  onOff: { allowed: "on or off", accepts: (v) => v === "on" || v === "off" },
  absolutePath: { allowed: "an absolute path of letters, digits and . _ @ + , = - (no .. step)", accepts: (v) => v.length <= 4096 && ABSOLUTE_PATH.test(v) && !hasDotDot(v) },
  absolutePathOrEmpty: { allowed: "an absolute path of letters, digits and . _ @ + , = - (no .. step), or empty", accepts: (v) => v === "" || (v.length <= 4096 && ABSOLUTE_PATH.test(v) && !hasDotDot(v)) },
  includeFile: { allowed: "a .yaml file name relative to the pipeline file: letters, digits and . _ @ + , = - (no .. step)", accepts: (v) => v.length <= 255 && RELATIVE_FILE.test(v) && !hasDotDot(v) },
  port: { allowed: "a TCP port, 1-65535", accepts: (v) => /^[1-9]\d{0,4}$/.test(v) && Number(v) <= 65535 },
  size: { allowed: "a size such as 512M or 2G", accepts: (v) => /^\d{1,6}(\.\d{1,3})?[KMG]?B?$/i.test(v) },
  unitList: { allowed: "comma-separated systemd unit names such as openclaw.service", accepts: (v) => v.split(",").every((unit) => UNIT.test(unit.trim())) },
  guid: { allowed: "a GUID such as 00000000-0000-0000-0000-000000000000", accepts: (v) => GUID.test(v) },
  dcrId: { allowed: "a data collection rule's immutable id: dcr- and hex digits", accepts: (v) => /^dcr-[0-9a-f]{1,64}$/.test(v) },
  stream: { allowed: "a custom stream name: Custom- then letters, digits and _", accepts: (v) => /^Custom-[A-Za-z0-9_]{1,200}$/.test(v) },
} satisfies Record<string, ParamKind>;
export type ParamKindName = keyof typeof PARAM_KINDS;

/**
 * Checks every given parameter against its kind and throws one UsageError listing all that fail.
 * A `${...}` is refused everywhere: Fluent Bit would expand it (a `${OCLOG_SAS_TOKEN}` in `host`
 * puts the SAS into every record), and leaving a parameter unset already keeps its reference.
 */
export function checkParams(preset: string, given: Record<string, string>, kinds: Record<string, ParamKindName>): void {
  const problems: string[] = [];
  const refused: string[] = [];
  for (const [name, value] of Object.entries(given)) {
    const kind = kinds[name];
    if (!kind) continue;
    if (value.includes("${") || !PARAM_KINDS[kind].accepts(value)) refused.push(name);
    if (value.includes("${")) problems.push(`${name} is ${quoteUntrusted(value)}: it holds a \${...} reference, which Fluent Bit would expand; leave ${name} unset to keep the preset's own reference`);
    else if (!PARAM_KINDS[kind].accepts(value)) problems.push(`${name} is ${quoteUntrusted(value)}: not ${PARAM_KINDS[kind].allowed}`);
  }
  if (problems.length === 0) return;
  throw new UsageError(`invalid parameter${problems.length > 1 ? "s" : ""} for preset ${preset}: ${problems.join("; ")}`, {
    hint: "each --param is checked against what it names; see `oclog fluent-bit generate --help` for the parameters",
    context: { parameters: refused },
  });
}
