/**
 * The same IPv4 address written the ways curl, wget and the C resolver all accept (inet_aton):
 * one decimal number, one hex number, dotted octal. A rule that recognises a destination by the
 * dotted-quad pattern sees none of them as an IP.
 */
function octets(dottedQuad: string): number[] {
  const parts = dottedQuad.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not a dotted quad: ${dottedQuad}`);
  return parts;
}

/** 169.254.169.254 -> 2852039166 */
export function decimalIp(dottedQuad: string): string {
  return String(octets(dottedQuad).reduce((n, o) => n * 256 + o, 0));
}

/** 169.254.169.254 -> 0xa9fea9fe */
export function hexIp(dottedQuad: string): string {
  return `0x${octets(dottedQuad).map((o) => o.toString(16).padStart(2, "0")).join("")}`;
}

/** 169.254.169.254 -> 0251.0376.0251.0376 */
export function octalIp(dottedQuad: string): string {
  return octets(dottedQuad).map((o) => `0${o.toString(8)}`).join(".");
}
