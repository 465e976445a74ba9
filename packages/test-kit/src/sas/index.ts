// `@oclog/test-kit/sas`: SAS state and tokens for tests that need no storage service.
export { SAMPLE_SAS_STATE } from "./sample-state.js";
export { FAKE_SIG, ACCOUNT_URL, DAY, sdkFields, withField, encodeValue, tokenOf, urlOf } from "./sas-tokens.js";
export type { SasFields } from "./sas-tokens.js";
