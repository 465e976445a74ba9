/**
 * Whether a URL (or a DNS name) carries data out: exfiltration through a fetch puts what it read in
 * the query string, a path segment or a subdomain label, usually base64 or hex. A short id or a
 * search word does not count; a long opaque value does.
 */

const OPAQUE_MIN = 24;

/** Why the URL looks like it carries data, or null. */
export function urlCarriesData(url: string): string | null {
  const queryAt = url.indexOf("?");
  if (queryAt >= 0) {
    const query = url.slice(queryAt + 1).replace(/#.*$/, "");
    for (const pair of query.split("&")) {
      const [key = "", value = ""] = pair.split("=", 2);
      let decoded = value;
      try {
        decoded = decodeURIComponent(value.replace(/\+/g, " "));
      } catch {
        // A broken escape is itself opaque: keep the raw text.
      }
      const why = opaqueValue(decoded);
      if (why) return `query value ${key ? `"${key.slice(0, 40)}" ` : ""}is ${why}`;
    }
  }
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, "").replace(/[?#].*$/, "");
  for (const segment of path.split("/")) {
    const why = segment.length >= 40 || /\$\(|`/.test(segment) ? opaqueValue(segment) : null;
    if (why) return `path segment is ${why}`;
  }
  return null;
}

/** Why a DNS name looks like it carries data (a long or opaque label), or null. */
export function dnsNameCarriesData(name: string): string | null {
  for (const label of name.split(".")) {
    if (label.length >= 40) return `DNS label of ${label.length} characters`;
    if (label.length >= 16 && /^[0-9a-f]+$/i.test(label)) return "hex-encoded DNS label";
  }
  if (/\$\(|`|\$\{?[A-Za-z_]/.test(name)) return "DNS name built from command output or a variable";
  return null;
}

/** "base64 (n characters)" / "hex" / "n characters long", or null for ordinary values. */
export function opaqueValue(value: string): string | null {
  if (/\$\(|`/.test(value)) return "built from command output";
  if (/\$\{?[A-Za-z_]*(TOKEN|SECRET|PASSWORD|API_?KEY|ACCESS_KEY|CREDENTIAL)/i.test(value)) return "built from a secret variable";
  if (value.length >= 32 && /^[0-9a-f]+$/i.test(value)) return `hex (${value.length} characters)`;
  if (value.length >= OPAQUE_MIN && /^[A-Za-z0-9+/_-]+={0,2}$/.test(value) && /\d/.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value)) {
    return `base64-like (${value.length} characters)`;
  }
  if (value.length >= 200) return `${value.length} characters long`;
  return null;
}
