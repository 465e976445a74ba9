/**
 * journald's export format (https://systemd.io/JOURNAL_EXPORT_FORMATS/), read and written byte
 * for byte, and the scrubbing that makes the booted guest's export a fixture: the machine's and
 * the boot's ids become fixed ones (everywhere, cursors included) and anything secret-shaped is
 * masked. Everything else, timestamps and messages included, stays as journald wrote it.
 *
 * A field is `NAME=value\n`, or, for a value with a newline or other control bytes,
 * `NAME\n` + its length (64-bit little-endian) + the bytes + `\n`. Entries end with an empty line.
 */

/** One field; `binary` keeps the form it was written in. */
export interface ExportField {
  name: string;
  value: Buffer;
  binary: boolean;
}

export type ExportEntry = ExportField[];

/** Parses an export stream; throws naming the byte offset where it is not the format. */
export function parseJournalExport(data: Buffer): ExportEntry[] {
  const entries: ExportEntry[] = [];
  let entry: ExportEntry = [];
  let pos = 0;
  while (pos < data.length) {
    const eol = data.indexOf(0x0a, pos);
    if (eol < 0) throw new Error(`journal export: unterminated line at byte ${pos}`);
    if (eol === pos) {
      if (entry.length) entries.push(entry);
      entry = [];
      pos = eol + 1;
      continue;
    }
    const line = data.subarray(pos, eol);
    const eq = line.indexOf(0x3d);
    if (eq > 0) {
      entry.push({ name: line.subarray(0, eq).toString("latin1"), value: Buffer.from(line.subarray(eq + 1)), binary: false });
      pos = eol + 1;
      continue;
    }
    const size = data.readBigUInt64LE(eol + 1);
    const start = eol + 9;
    const end = start + Number(size);
    if (end >= data.length || data[end] !== 0x0a) throw new Error(`journal export: binary field ${line.toString("latin1")} at byte ${pos} is not followed by its length and a newline`);
    entry.push({ name: line.toString("latin1"), value: Buffer.from(data.subarray(start, end)), binary: true });
    pos = end + 1;
  }
  if (entry.length) entries.push(entry);
  return entries;
}

/** Writes entries back in the export format. */
export function formatJournalExport(entries: ExportEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    for (const field of entry) {
      if (field.binary) {
        const size = Buffer.alloc(8);
        size.writeBigUInt64LE(BigInt(field.value.length));
        parts.push(Buffer.from(`${field.name}\n`, "latin1"), size, field.value, Buffer.from("\n"));
      } else {
        parts.push(Buffer.from(`${field.name}=`, "latin1"), field.value, Buffer.from("\n"));
      }
    }
    parts.push(Buffer.from("\n"));
  }
  return Buffer.concat(parts);
}

/** The value of the first field named `name`, as text ("" when absent). */
export function fieldText(entry: ExportEntry, name: string): string {
  return entry.find((f) => f.name === name)?.value.toString("utf8") ?? "";
}

// Ids of this machine and boot (32 hex digits), replaced wherever they appear.
const FIXED_IDS: Record<string, string> = {
  _MACHINE_ID: "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
  _BOOT_ID: "5c1d4e0f2a9b4c7d8e3f1a2b3c4d5e6f",
  __SEQNUM_ID: "7a6b5c4d3e2f10011001f2e3d4c5b6a7",
};
// A gateway token (the shape vm/bin/openclaw-gateway-start makes) and a SAS signature.
const SECRET_SHAPES: [RegExp, string][] = [
  [/\bocgw_[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g, "[REDACTED:gateway-token]"],
  [/([?&]sig=)[^&\s"']+/g, "$1[REDACTED]"],
];

/**
 * The export with the ids replaced and secrets masked: the shapes above and every literal in
 * `secrets`. Binary fields keep their form, with their length recomputed.
 */
export function scrubJournalExport(entries: ExportEntry[], secrets: string[] = []): ExportEntry[] {
  const replacements = new Map<string, string>();
  for (const entry of entries) {
    for (const field of entry) {
      const fixed = FIXED_IDS[field.name];
      if (fixed) replacements.set(field.value.toString("latin1"), fixed);
    }
  }
  const scrub = (text: string): string => {
    let out = text;
    for (const [from, to] of replacements) out = out.split(from).join(to);
    for (const secret of secrets.filter((s) => s.length >= 8)) out = out.split(secret).join("[REDACTED]");
    for (const [shape, to] of SECRET_SHAPES) out = out.replace(shape, to);
    return out;
  };
  // latin1 maps every byte to one code unit and back: non-UTF-8 bytes survive unchanged.
  return entries.map((entry) => entry.map((field) => ({ ...field, value: Buffer.from(scrub(field.value.toString("latin1")), "latin1") })));
}
