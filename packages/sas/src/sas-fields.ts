/**
 * The grammar of every field a blob container SAS may carry, and of the names in its URL. A SAS is
 * machine-made: each field has a small, fixed shape, so anything else (escapes, a second `sig`, a
 * name Azure never sends) is a damaged or hostile token, refused rather than guessed at.
 * Sources: the Azure Storage REST reference "Create a service SAS" and "Create a user delegation SAS".
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `2026-12-05`, `2026-12-05T15:02Z`, `2026-12-05T15:02:01Z`, `2026-12-05T15:02:01.1234567Z`. */
export const SAS_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?Z)?$/;
const VERSION = /^\d{4}-\d{2}-\d{2}$/;

/** Each known parameter: its shape and, for messages, what it is. */
export const SAS_FIELDS: Readonly<Record<string, { shape: RegExp; what: string }>> = {
  sv: { shape: VERSION, what: "a service version (YYYY-MM-DD)" },
  ss: { shape: /^[bfqt]{1,4}$/, what: "account SAS services (b, f, q, t)" },
  srt: { shape: /^[sco]{1,3}$/, what: "account SAS resource types (s, c, o)" },
  sr: { shape: /^(?:c|b|bs|bv|d)$/, what: "a resource (c, b, bs, bv, d)" },
  sp: { shape: /^[racwdxyltmeopi]{1,16}$/, what: "permission letters (racwdxyltmeopi)" },
  st: { shape: SAS_TIME, what: "an ISO 8601 UTC time" },
  se: { shape: SAS_TIME, what: "an ISO 8601 UTC time" },
  spr: { shape: /^(?:https|http|https,http|http,https)$/, what: "https or https,http" },
  sip: { shape: /^\d{1,3}(?:\.\d{1,3}){3}(?:-\d{1,3}(?:\.\d{1,3}){3})?$/, what: "an IPv4 address or range" },
  si: { shape: /^[A-Za-z0-9._~-]{1,64}$/, what: "a stored access policy id" },
  sig: { shape: /^[A-Za-z0-9+/]{16,128}={0,2}$/, what: "a base64 signature" },
  skoid: { shape: GUID, what: "an object id (GUID)" },
  sktid: { shape: GUID, what: "a tenant id (GUID)" },
  skt: { shape: SAS_TIME, what: "an ISO 8601 UTC time" },
  ske: { shape: SAS_TIME, what: "an ISO 8601 UTC time" },
  sks: { shape: /^[bfqt]$/, what: "a key service (b)" },
  skv: { shape: VERSION, what: "a key version (YYYY-MM-DD)" },
  saoid: { shape: GUID, what: "an authorized object id (GUID)" },
  suoid: { shape: GUID, what: "an unauthorized object id (GUID)" },
  sduoid: { shape: GUID, what: "a delegated user object id (GUID)" },
  skdutid: { shape: GUID, what: "a delegated user tenant id (GUID)" },
  scid: { shape: GUID, what: "a correlation id (GUID)" },
  sdd: { shape: /^\d{1,3}$/, what: "a directory depth" },
  ses: { shape: /^[A-Za-z0-9-]{3,63}$/, what: "an encryption scope name" },
};

/** A storage account name: 3 to 24 lowercase letters and digits. */
export const ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;
/** A container name: 3 to 63 lowercase letters, digits and single hyphens, starting and ending alphanumeric. */
export const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** A token or URL longer than this is refused: a user delegation SAS URL is about 500 characters. */
export const MAX_SAS_CHARS = 2048;
