// Public surface of @oclog/azure: the retry policy every Azure adapter of oclog shares.
export { backoffMs } from "./backoff.js";
export type { BackoffPolicy } from "./backoff.js";
export { isTransientStatus, isTransientNetworkError, TRANSIENT_HTTP_STATUSES, TRANSIENT_NETWORK_CODES, REFUSED_CODE } from "./transient.js";
export type { TransientOptions } from "./transient.js";
export { parseRetryAfterMs } from "./retry-after.js";
