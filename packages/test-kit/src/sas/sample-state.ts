// A valid SAS state file (the contract of @oclog/sas's sas-state.ts), shared by the guard's tests.
import type { SasState } from "@oclog/sas";

export const SAMPLE_SAS_STATE: SasState = {
  version: 1,
  account: "acmelogs",
  container: "oclog-alice",
  expires_at: "2026-12-02T08:00:00Z",
  issued_at: "2026-11-25T07:55:00Z",
  installed_at: "2026-11-25T07:56:00Z",
  permissions: "cw",
  fingerprint: "sha256:0123456789abcdef",
  shipping: "unknown",
  renew_command: "oclog sas rotate --vm alice",
};
