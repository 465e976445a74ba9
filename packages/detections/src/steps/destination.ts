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

/**
 * Wildcard-DNS services: any name under them that embeds an IPv4 address resolves to that address
 * (`169.254.169.254.nip.io`, `app.10.0.0.1.sslip.io`, `10-0-0-1.sslip.io`, nip.io's hex form
 * `a9fea9fe.nip.io`). Sources: https://nip.io, https://sslip.io, xip.io (Basecamp, the original,
 * now defunct but still written in tutorials), https://traefik.me, https://readme.localtest.me
 * (localtest.me always answers 127.0.0.1), https://local.gd, https://lvh.me (loopback only).
 */
export const WILDCARD_DNS_DOMAINS = ["nip.io", "sslip.io", "xip.io", "traefik.me", "localtest.me", "local.gd", "lvh.me", "backname.io", "nip.direct"];
// Services whose every name resolves to loopback, whatever the labels say.
const LOOPBACK_DOMAINS = new Set(["localtest.me", "lvh.me", "local.gd"]);

function validQuad(parts: readonly string[]): string | null {
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number).join(".");
}

/**
 * The IPv4 address a name embeds, when the name resolves to it: under a wildcard-DNS service, in
 * dotted (`a.b.c.d.<service>`, with any labels before), dashed (`[name-]a-b-c-d.<service>`) or
 * hex (`[name-]a9fea9fe.<service>`) form. Any other domain whose first four labels are a dotted
 * quad (`169.254.169.254.attacker.example`) embeds it too, but only the attacker's DNS decides where
 * it resolves: such a name is returned (so a metadata address is seen) and the caller only lets it
 * raise the scope to metadata, never lower a public name to private or loopback.
 */
export function embeddedIPv4(host: string): { address: string; service: string | null } | null {
  if (host.length > 253 || !host.includes(".")) return null;
  const service = WILDCARD_DNS_DOMAINS.find((d) => host === d || host.endsWith(`.${d}`)) ?? null;
  if (service) {
    if (LOOPBACK_DOMAINS.has(service)) return { address: "127.0.0.1", service };
    const labels = host.slice(0, host.length - service.length - 1).split(".");
    if (labels.length >= 4) {
      const dotted = validQuad(labels.slice(-4));
      if (dotted) return { address: dotted, service };
    }
    const last = labels.at(-1) ?? "";
    const dashed = /(?:^|-)(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})$/.exec(last);
    const fromDashes = dashed ? validQuad(dashed.slice(1, 5)) : null;
    if (fromDashes) return { address: fromDashes, service };
    const hex = /(?:^|-)([0-9a-f]{8})$/.exec(last);
    if (hex) {
      const n = parseInt(hex[1]!, 16);
      return { address: `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`, service };
    }
    return null;
  }
  const labels = host.split(".");
  if (labels.length < 6 || /\.(in-addr|ip6)\.arpa$/.test(host)) return null;
  const dotted = validQuad(labels.slice(0, 4));
  return dotted ? { address: dotted, service: null } : null;
}

/**
 * The scope of a connection to `host`: its own, or that of the IPv4 address the name embeds
 * (`169.254.169.254.nip.io` is metadata). A name outside the wildcard-DNS services only raises the
 * scope to metadata (see embeddedIPv4).
 */
export function connectionScope(host: string): "metadata" | "loopback" | "private" | "public" {
  const own = hostScope(host);
  if (own !== "public") return own;
  const embedded = embeddedIPv4(host);
  if (!embedded) return own;
  const scope = hostScope(embedded.address);
  return embedded.service !== null || scope === "metadata" ? scope : own;
}

/** Whether a host is a link-local / loopback / private address or a cloud metadata name. */
export function hostScope(host: string): "metadata" | "loopback" | "private" | "public" {
  if (host === "169.254.169.254" || host === "fd00:ec2::254" || host === "metadata.google.internal" || host === "100.100.100.200") return "metadata";
  // Address prefixes apply to addresses only: `10.0.0.1.attacker.example` is a name (see connectionScope).
  const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
  const ipv6 = host.includes(":");
  if (host === "localhost" || (ipv4 && host.startsWith("127.")) || host === "::1" || host === "0.0.0.0") return "loopback";
  if ((ipv4 && /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.)/.test(host)) || (ipv6 && /^(f[cd][0-9a-f]{2}:|fe80:)/.test(host))) return "private";
  return "public";
}
