/**
 * What a shipping SAS may be: write-only (create, write, add), container-scoped, HTTPS-only,
 * living at most 7 days (the ceiling of a user delegation SAS). `inspect` warns; `install`
 * refuses what would break or over-grant the pipeline.
 */
import type { ParsedSas } from "./sas-token.js";

export const SHIPPING_PERMISSIONS = new Set(["c", "w", "a"]);
export const MAX_LIFETIME_MS = 7 * 24 * 3600 * 1000;
const SKEW_ALLOWANCE_MS = 15 * 60_000;

export interface PolicyFinding {
  level: "refuse" | "warn";
  message: string;
}

/** Everything wrong with `sas` as the VM's shipping token at `now`. */
export function checkShippingSas(sas: ParsedSas, now: Date, expectedContainer?: string): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  if (sas.expiry.getTime() <= now.getTime()) findings.push({ level: "refuse", message: `expired at ${sas.expiry.toISOString()}` });
  const extra = [...sas.permissions].filter((p) => !SHIPPING_PERMISSIONS.has(p));
  if (extra.length) findings.push({ level: "refuse", message: `grants more than write-only: ${extra.join("")} in sp=${sas.permissions} (a shipping SAS needs only c, w, a)` });
  if (!sas.hasSignature) findings.push({ level: "refuse", message: "has no signature (sig)" });
  if (sas.services !== undefined || sas.resourceTypes !== undefined) findings.push({ level: "warn", message: "is an account SAS (ss/srt): a container SAS limits a stolen token to one container" });
  if (sas.resource !== undefined && sas.resource !== "c") findings.push({ level: "warn", message: `is scoped to sr=${sas.resource}, not a container (sr=c)` });
  if (sas.protocol !== undefined && sas.protocol !== "https") findings.push({ level: "warn", message: `allows ${sas.protocol}: a shipping SAS should be https only` });
  const lifetime = sas.expiry.getTime() - (sas.start ?? now).getTime();
  // Issuers backdate the start a few minutes against clock skew; that is not a longer life.
  if (lifetime > MAX_LIFETIME_MS + SKEW_ALLOWANCE_MS) findings.push({ level: "warn", message: `lives ${(lifetime / 86_400_000).toFixed(1)} days, more than the 7-day policy` });
  if (expectedContainer !== undefined) {
    if (sas.container === undefined) findings.push({ level: "refuse", message: "names no container: pass the container SAS URL so the container can be checked" });
    else if (sas.container !== expectedContainer) findings.push({ level: "refuse", message: `is for container ${sas.container}, not ${expectedContainer}` });
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
