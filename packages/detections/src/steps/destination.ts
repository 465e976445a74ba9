/**
 * Network destinations, normalised so a rule compares one spelling: IPv4 in decimal, hex, octal or
 * mixed notation becomes dotted quads (the WHATWG URL parser does what curl and browsers do),
 * IPv4-mapped IPv6 becomes its IPv4, host names are lowercased and punycoded, and a host given
 * without a scheme (`curl example.com/x`, `wget host:8080`) is still a destination.
 */

/** Where a step connects: `via` names the program or tool that opens the connection. */
export interface Destination {
  host: string;
  port: number | null;
  scheme: string;
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, ftp: 21, ws: 80, wss: 443, ssh: 22, dns: 53, git: 9418 };

/** Parses a URL or `host[:port][/path]`; null when the text names no plausible host. */
export function parseDestination(raw: string, defaultScheme = "http"): Destination | null {
  const text = raw.trim();
  if (text === "" || text.length > 4096) return null;
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  const scheme = (schemeMatch?.[1] ?? defaultScheme).toLowerCase();
  if (!schemeMatch && !looksLikeHost(text)) return null;
  let url: URL;
  try {
    // Parse as http so the WHATWG host parser (IPv4 number forms, IDNA) applies to any scheme.
    url = new URL(schemeMatch ? `http://${text.slice(schemeMatch[0].length)}` : `http://${text}`);
  } catch {
    return null;
  }
  const host = normaliseHost(url.hostname);
  if (!host) return null;
  const port = url.port ? Number(url.port) : (DEFAULT_PORTS[scheme] ?? null);
  return { host, port, scheme };
}

/** A host with a separate port (nc, ssh, /dev/tcp): normalised like a URL's host. */
export function hostAndPort(hostText: string, port: number | null, scheme: string): Destination | null {
  const inner = hostText.replace(/^\[|\]$/g, "");
  const destination = parseDestination(inner.includes(":") ? `[${inner}]` : inner, scheme);
  if (!destination) return null;
  return { host: destination.host, port: port ?? DEFAULT_PORTS[scheme] ?? null, scheme };
}

/** Lowercases, drops brackets and a trailing dot, and maps `::ffff:a.b.c.d` / `::ffff:xxxx:xxxx` to IPv4. */
export function normaliseHost(hostname: string): string | null {
  let host = hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (host === "") return null;
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host) ?? /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped) {
    const high = parseInt(mapped[1]!, 16);
    const low = parseInt(mapped[2]!, 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  if (dotted) return dotted[1]!;
  return host;
}

// A word that is a host, not a file name or a flag: `example.com`, `example.com/x`, `host:8080`,
// `10.0.0.1`, `2852039166`, `0xa9fea9fe`, `[::1]`, `localhost`.
function looksLikeHost(text: string): boolean {
  if (/^\[[0-9a-f:.]+\](:\d+)?(\/.*)?$/i.test(text)) return true;
  const host = /^([^/:?#@\s]+)(?::(\d{1,5}))?(?:[/?#].*)?$/.exec(text.replace(/^[^@/\s]+@/, ""));
  if (!host) return false;
  const name = host[1]!;
  if (/^(0x[0-9a-f]+|\d+)$/i.test(name)) return Number(name) > 255 || host[2] !== undefined; // a whole-number IPv4
  if (/^[0-9a-fx.]+$/i.test(name) && /^(?:(0x[0-9a-f]+|\d+)\.){1,3}(0x[0-9a-f]+|\d+)$/i.test(name)) return true;
  if (name === "localhost") return true;
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(name)) return false;
  // `notes.md`, `app.js`: a dotted file name is not a host unless the last label is a TLD-like word
  // and the word carries a path, port or well-known TLD.
  const tld = name.slice(name.lastIndexOf(".") + 1).toLowerCase();
  if (FILE_EXTENSIONS.has(tld)) return false;
  return /^[a-z]{2,24}$/.test(tld);
}

const FILE_EXTENSIONS = new Set(
  "md txt js mjs cjs ts tsx jsx json yml yaml toml ini cfg conf py rb pl php sh bash zsh c h cc cpp hpp go rs java kt swift log csv tsv html htm css scss xml lock gz tgz zip tar bz2 xz pem key pub crt env sql db sqlite png jpg jpeg gif svg pdf bak tmp out test spec d map wasm bin exe dll so o a patch diff whl gem jar".split(" "),
);

/** Whether a host is a link-local / loopback / private address or a cloud metadata name. */
export function hostScope(host: string): "metadata" | "loopback" | "private" | "public" {
  if (host === "169.254.169.254" || host === "fd00:ec2::254" || host === "metadata.google.internal" || host === "100.100.100.200") return "metadata";
  if (host === "localhost" || host.startsWith("127.") || host === "::1" || host === "0.0.0.0") return "loopback";
  if (/^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.|f[cd][0-9a-f]{2}:|fe80:)/.test(host)) return "private";
  return "public";
}
