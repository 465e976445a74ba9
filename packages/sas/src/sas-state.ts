/**
 * The public SAS state file inside the VM (`/run/oclog/sas-state.json`, mode 0644): what the
 * nginx gate, the guard and the host-side rotator read. It says when the shipping SAS expires
 * and whether shipping works; it never holds the signature (a fingerprint identifies the token).
 */
import { z } from "zod";
import { ACCOUNT_NAME, CONTAINER_NAME } from "./sas-fields.js";

export const SAS_STATE_VERSION = 1;
export { SAS_STATE_PATH } from "./defaults.js";
/** The gate refuses anything larger: a state file is a few hundred bytes. */
export const SAS_STATE_MAX_BYTES = 64 * 1024;

const IsoUtc = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, "an ISO 8601 UTC time ending in Z");

export const SasState = z
  .object({
    version: z.literal(SAS_STATE_VERSION),
    /** The storage account name (lowercase letters and digits), or "unknown" for a bare token. */
    account: z.string().regex(ACCOUNT_NAME, "a storage account name"),
    container: z.string().regex(CONTAINER_NAME, "a container name"),
    /** The SAS `se`: after this instant Azure refuses every write. */
    expires_at: IsoUtc,
    /** The SAS `st`, or the install time when the token has none. */
    issued_at: IsoUtc,
    installed_at: IsoUtc,
    /** The SAS `sp`, e.g. "cw". */
    permissions: z.string().regex(/^[racwdxltmeopi]+$/),
    /** `sha256:` + the first 16 hex digits of SHA-256 over the whole token: tells tokens apart, reveals nothing. */
    fingerprint: z.string().regex(/^sha256:[0-9a-f]{16}$/),
    /** Set by the guard: whether Fluent Bit is delivering. The gate blocks on "failing". */
    shipping: z.enum(["ok", "failing", "unknown"]),
    shipping_checked_at: IsoUtc.optional(),
    shipping_reason: z.string().max(500).optional(),
    /** The one command a person runs on the host to renew (shown by the gate's pages). */
    renew_command: z.string().max(300),
  })
  .strict();
export type SasState = z.infer<typeof SasState>;
