/**
 * Container SAS tokens for tests that need no storage service: the field record is what the real
 * Azure SDK mints for a user delegation SAS (signed offline with an all-zero key), and its
 * signature is then replaced by FAKE_SIG, so no test holds, prints or commits a real-looking one.
 */
import { ContainerSASPermissions, SASProtocol, generateBlobSASQueryParameters } from "@azure/storage-blob";

/** Base64-shaped, so it passes the sig grammar, and plainly not a signature. */
export const FAKE_SIG = "NOTaREALsignatureFORtestsONLYneverAsecret42=";
export const ACCOUNT_URL = "https://acmelogs.blob.core.windows.net";
export const DAY = 86_400_000;

/** A token's fields in the order the SDK writes them. */
export type SasFields = [name: string, value: string][];

/** The SDK's user delegation SAS for oclog-alice: https only, backdated 5 minutes as issuers do. */
export function sdkFields(now: Date, options: { lifetimeMs?: number; permissions?: string } = {}): SasFields {
  const key = {
    signedObjectId: "11111111-2222-3333-4444-555555555555",
    signedTenantId: "66666666-7777-8888-9999-000000000000",
    signedStartsOn: new Date(now.getTime() - 5 * 60_000),
    signedExpiresOn: new Date(now.getTime() + 7 * DAY),
    signedService: "b",
    signedVersion: "2025-01-05",
    value: Buffer.alloc(32).toString("base64"),
  };
  const query = generateBlobSASQueryParameters(
    {
      containerName: "oclog-alice",
      permissions: ContainerSASPermissions.parse(options.permissions ?? "cw"),
      startsOn: new Date(now.getTime() - 5 * 60_000),
      expiresOn: new Date(now.getTime() + (options.lifetimeMs ?? 7 * DAY)),
      protocol: SASProtocol.Https,
    },
    key,
    "acmelogs",
  ).toString();
  return query.split("&").map((pair) => {
    const [name, value] = pair.split("=") as [string, string];
    return [name, name === "sig" ? FAKE_SIG : decodeURIComponent(value)];
  });
}

/** `fields` with `name` set to `value` (added at the end when absent), or removed when `value` is undefined. */
export function withField(fields: SasFields, name: string, value: string | undefined): SasFields {
  const out = fields.filter(([n]) => n !== name);
  if (value === undefined) return out;
  const at = fields.findIndex(([n]) => n === name);
  out.splice(at < 0 ? out.length : at, 0, [name, value]);
  return out;
}

/** Percent-encodes like the SDK; a lone surrogate (which no encoding can carry) goes in raw. */
export function encodeValue(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The bare token (query string). */
export function tokenOf(fields: SasFields): string {
  return fields.map(([name, value]) => `${name}=${encodeValue(value)}`).join("&");
}

/** The container SAS URL, as `oclog sas issue` prints it. */
export function urlOf(fields: SasFields, base = `${ACCOUNT_URL}/oclog-alice`): string {
  return `${base}?${tokenOf(fields)}`;
}
