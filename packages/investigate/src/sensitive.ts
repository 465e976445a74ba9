// Secrets and untrusted text: shared by every package, so they live in @oclog/errors.
export { Sensitive, REDACTED, scrub, quoteUntrusted } from "@oclog/errors";
