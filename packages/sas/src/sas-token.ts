/**
 * A shared access signature, parsed: what it grants and until when, without ever keeping the
 * signature in anything that prints. Accepts a bare token (`sv=...&sig=...`, with or without a
 * leading `?`) or a container SAS URL (`https://acct.blob.core.windows.net/container?sv=...`),
 * which also names the account and container the token was issued for.
 */
import { createHash } from "node:crypto";
import { Sensitive, UsageError } from "@oclog/errors";

export interface ParsedSas {
  /** The token (query string without `?`), redacted when printed. */
  token: Sensitive<string>;
  /** From the URL form only. */
  account?: string;
  container?: string;
  accountUrl?: string;
  version: string | undefined;
  start: Date | undefined;
  expiry: Date;
  /** `sp`, e.g. "cw". */
  permissions: string;
  /** `sr`: c container, b blob, ... (service SAS); undefined for an account SAS. */
  resource: string | undefined;
  /** `ss` and `srt`: present on an account SAS. */
  services: string | undefined;
  resourceTypes: string | undefined;
  protocol: string | undefined;
  ipRange: string | undefined;
  /** Set for a user delegation SAS: who the key belongs to (object id, tenant) and its validity. */
  userDelegation?: { objectId: string | undefined; tenantId: string | undefined; keyStart: Date | undefined; keyExpiry: Date | undefined };
  hasSignature: boolean;
  fingerprint: string;
}

/** A SAS that does not parse; the message names the field, never the signature. */
export class SasParseError extends UsageError {}

function date(value: string | null, field: string): Date | undefined {
  if (value === null) return undefined;
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new SasParseError(`the SAS field ${field} is not a time: ${JSON.stringify(value.slice(0, 40))}`);
  return parsed;
}

/** `sha256:` + 16 hex digits over the whole token: tells tokens apart, reveals nothing usable. */
export function sasFingerprint(token: string): string {
  return `sha256:${createHash("sha256").update(token).digest("hex").slice(0, 16)}`;
}

/** Parses a bare SAS token or a container SAS URL. */
export function parseSas(input: string | Sensitive<string>): ParsedSas {
  const text = (input instanceof Sensitive ? input.reveal() : input).trim();
  let query = text;
  let where: Pick<ParsedSas, "account" | "container" | "accountUrl"> = {};
  if (/^https?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new SasParseError("the SAS URL does not parse", { hint: "pass the URL exactly as `oclog sas issue` printed it" });
    }
    const parts = url.pathname.split("/").filter(Boolean);
    const azure = /^([a-z0-9]{3,24})\.blob\./.exec(url.hostname);
    // Azurite puts the account in the path: http://127.0.0.1:10000/devstoreaccount1/container
    where = azure
      ? { account: azure[1]!, ...(parts[0] ? { container: parts[0] } : {}), accountUrl: url.origin }
      : { ...(parts[0] ? { account: parts[0] } : {}), ...(parts[1] ? { container: parts[1] } : {}), accountUrl: `${url.origin}/${parts[0] ?? ""}` };
    query = url.search;
  }
  query = query.replace(/^\?/, "");
  const params = new URLSearchParams(query);
  const expiry = date(params.get("se"), "se");
  if (!expiry) throw new SasParseError("this is not a SAS: it has no expiry (se)", { hint: "a SAS looks like sv=...&se=...&sp=...&sig=..." });
  const permissions = params.get("sp");
  if (!permissions) throw new SasParseError("this is not a SAS: it has no permissions (sp)");
  const skoid = params.get("skoid");
  return {
    token: new Sensitive(query),
    ...where,
    version: params.get("sv") ?? undefined,
    start: date(params.get("st"), "st"),
    expiry,
    permissions,
    resource: params.get("sr") ?? undefined,
    services: params.get("ss") ?? undefined,
    resourceTypes: params.get("srt") ?? undefined,
    protocol: params.get("spr") ?? undefined,
    ipRange: params.get("sip") ?? undefined,
    ...(skoid !== null || params.get("sktid") !== null
      ? { userDelegation: { objectId: skoid ?? undefined, tenantId: params.get("sktid") ?? undefined, keyStart: date(params.get("skt"), "skt"), keyExpiry: date(params.get("ske"), "ske") } }
      : {}),
    hasSignature: params.has("sig") && (params.get("sig") ?? "").length > 0,
    fingerprint: sasFingerprint(query),
  };
}
