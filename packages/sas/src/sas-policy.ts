/**
 * What a shipping SAS may be: write-only (create, write, add), a container SAS, HTTPS-only, living
 * at most 7 days (the ceiling of a user delegation SAS), already valid, of a sane size, and well
 * formed. `inspect` lists every finding; `install` refuses on any `refuse` finding and reports all
 * of them at once. Pure: the token, the time and the expected container in, findings out.
 */
import { quoteUntrusted } from "@oclog/errors";
import { MAX_SAS_CHARS, SAS_FIELDS } from "./sas-fields.js";
import type { ParsedSas } from "./sas-token.js";

export const SHIPPING_PERMISSIONS = new Set(["c", "w", "a"]);
export const MAX_LIFETIME_MS = 7 * 24 * 3600 * 1000;
/** Issuers backdate the start a few minutes, and clocks drift: this much either way is not a finding. */
export const SKEW_ALLOWANCE_MS = 15 * 60_000;

export interface PolicyFinding {
  level: "refuse" | "warn";
  message: string;
}

// Azurite over plain HTTP on this machine: the only way to reach it, and nothing leaves the host.
const LOCAL_EMULATOR = /^http:\/\/(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(?::\d+)?(?:\/|$)/;

const days = (ms: number) => (ms / 86_400_000).toFixed(1);

function protocolFinding(sas: ParsedSas): PolicyFinding | undefined {
  if (sas.protocol === undefined) return { level: "warn", message: "names no protocol (spr): Azure then accepts plain http too; issue it https only" };
  if (sas.protocol === "https" || !SAS_FIELDS.spr!.shape.test(sas.protocol)) return undefined; // malformed: a problem already
  if (sas.accountUrl !== undefined && LOCAL_EMULATOR.test(sas.accountUrl)) {
    return { level: "warn", message: `allows ${sas.protocol}: a shipping SAS should be https only (accepted here: the account is a local emulator over plain http)` };
  }
  return { level: "refuse", message: `allows ${sas.protocol} (spr): a shipping SAS must be https only, or the token and the logs can cross the network in clear` };
}

/** Everything wrong with `sas` as the VM's shipping token at `now`. */
export function checkShippingSas(sas: ParsedSas, now: Date, expectedContainer?: string): PolicyFinding[] {
  const findings: PolicyFinding[] = sas.problems.map((message) => ({ level: "refuse", message }));
  const refuse = (message: string) => findings.push({ level: "refuse", message });
  const warn = (message: string) => findings.push({ level: "warn", message });
  if (sas.length > MAX_SAS_CHARS) refuse(`is ${sas.length} characters long, more than the ${MAX_SAS_CHARS} any SAS needs (one is about 500)`);
  if (sas.expiry.getTime() <= now.getTime()) refuse(`expired at ${sas.expiry.toISOString()}`);
  if (SAS_FIELDS.sp!.shape.test(sas.permissions)) {
    const extra = [...sas.permissions].filter((p) => !SHIPPING_PERMISSIONS.has(p));
    if (extra.length) refuse(`grants more than write-only: ${extra.join("")} in sp=${sas.permissions} (a shipping SAS needs only c, w, a)`);
  }
  if (!sas.hasSignature) refuse("has no signature (sig)");
  if (sas.services !== undefined || sas.resourceTypes !== undefined) refuse("is an account SAS (ss/srt): it opens every container of the account; a shipping SAS is a container SAS (sr=c)");
  else if (sas.resource !== undefined && sas.resource !== "c") warn(`is scoped to sr=${quoteUntrusted(sas.resource, 8)}, not a container (sr=c)`);
  const protocol = protocolFinding(sas);
  if (protocol) findings.push(protocol);
  if (sas.start !== undefined && sas.start.getTime() - now.getTime() > SKEW_ALLOWANCE_MS) {
    refuse(`starts at ${sas.start.toISOString()}, ${Math.round((sas.start.getTime() - now.getTime()) / 60_000)} minutes from now: until then Azure refuses every write (more than ${SKEW_ALLOWANCE_MS / 60_000} minutes of clock skew)`);
  }
  const lifetime = sas.expiry.getTime() - (sas.start ?? now).getTime();
  // Issuers backdate the start a few minutes against clock skew; that is not a longer life.
  if (lifetime > MAX_LIFETIME_MS + SKEW_ALLOWANCE_MS) refuse(`lives ${days(lifetime)} days, more than the 7-day policy (a stolen token must lapse within a week)`);
  if (expectedContainer !== undefined) {
    if (sas.container === undefined) refuse("names no container: pass the container SAS URL so the container can be checked");
    else if (sas.container !== expectedContainer) refuse(`is for container ${sas.container}, not ${expectedContainer}`);
  }
  return findings;
}

/** "3d 4h 12m" (or "expired 2h 5m ago"). */
export function formatRemaining(ms: number): string {
  const abs = Math.abs(ms);
  const d = Math.floor(abs / 86_400_000);
  const h = Math.floor((abs % 86_400_000) / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const text = [d ? `${d}d` : "", d || h ? `${h}h` : "", `${m}m`].filter(Boolean).join(" ");
  return ms < 0 ? `expired ${text} ago` : text;
}
