/**
 * Decoding what a pipeline's literal text turns into before a shell or interpreter runs it:
 * `echo <base64> | base64 -d | bash`, `xxd -r -p`, `printf '\x63\x75...'`, `rev`. Only literal text
 * is decoded (nothing is run); the result is classified like any other command.
 */

/** The decoder a program word is, or null: base64 (-d), hex (xxd -r), reversal (rev). */
export function decoderOf(program: string, args: readonly string[]): "base64" | "hex" | "rev" | null {
  if ((program === "base64" || program === "base32" || program === "basenc") && args.some((a) => /^-(d|D|-decode)$|^-[a-z]*d/.test(a))) return "base64";
  if (program === "openssl" && args.includes("base64") && args.includes("-d")) return "base64";
  if (program === "openssl" && args[0] === "enc" && args.includes("-d") && args.some((a) => a === "-base64" || a === "-a")) return "base64";
  if (program === "xxd" && args.some((a) => /^-r/.test(a))) return "hex";
  if (program === "rev") return "rev";
  return null;
}

/** Decodes `text` as `decoder` does; null when it does not decode to readable text. */
export function decodeText(text: string, decoder: "base64" | "hex" | "rev"): string | null {
  const trimmed = text.trim();
  if (decoder === "rev") return [...trimmed].reverse().join("");
  const bytes = decoder === "base64" ? Buffer.from(trimmed.replace(/\s+/g, ""), "base64") : /^[0-9a-f\s]+$/i.test(trimmed) ? Buffer.from(trimmed.replace(/\s+/g, ""), "hex") : null;
  if (!bytes || bytes.length === 0) return null;
  const decoded = bytes.toString("utf8");
  // Mostly printable: the text was an encoding of a command, not random bytes.
  const printable = decoded.replace(/[^\x20-\x7e\t\n\r]/g, "").length;
  return printable / decoded.length > 0.9 ? decoded : null;
}

/** The text `echo`/`printf` prints for literal arguments (printf's `\xHH`, `\NNN` and `\n` escapes applied). */
export function printedText(program: string, args: readonly string[]): string {
  if (program === "printf") {
    const [format = "", ...rest] = args;
    return unescapePrintf(format) + rest.map(unescapePrintf).join("");
  }
  const words = args.filter((a, i) => !(i === 0 && /^-[neE]+$/.test(a)));
  const text = words.join(" ");
  return args[0] !== undefined && /^-[a-z]*e/.test(args[0]) ? unescapePrintf(text) : text;
}

function unescapePrintf(text: string): string {
  return text
    .replace(/\\x([0-9a-fA-F]{1,2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\0?([0-7]{1,3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)))
    .replace(/\\n/g, "\n")
    .replace(/\\t/g, "\t")
    .replace(/%s/g, "");
}
