/** State files for the gate tests, relative to the real clock (the gate compares with nginx's). */

/** An ISO 8601 UTC time without milliseconds, as oclog sas install writes `expires_at`. */
export function isoIn(seconds: number, now = Date.now()): string {
  return new Date(Math.floor((now + seconds * 1000) / 1000) * 1000).toISOString().replace(/\.000Z$/, "Z");
}

export const RENEW_COMMAND = "oclog sas rotate --vm alice --account acme";

/** A state file that passes the contract (packages/sas/src/sas-state.ts); expiry `expiresIn` s from now. */
export function sasState(expiresIn: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Date.now();
  return {
    version: 1,
    account: "acme",
    container: "oclog-alice",
    expires_at: isoIn(expiresIn, now),
    issued_at: isoIn(expiresIn - 7 * 86400, now),
    installed_at: new Date(now - 3600_000).toISOString(),
    permissions: "cw",
    fingerprint: "sha256:0123456789abcdef",
    shipping: "ok",
    renew_command: RENEW_COMMAND,
    ...overrides,
  };
}

/** The same without one field. */
export function without(state: Record<string, unknown>, field: string): Record<string, unknown> {
  const copy = { ...state };
  delete copy[field];
  return copy;
}

export const HOUR = 3600;
export const DAY = 86400;
