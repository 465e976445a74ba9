// `@oclog/test-kit/records`: records to feed what is under test (real, fake-secret and bad ones).
export { fakeSecrets } from "./fake-secrets.js";
export type { FakeSecrets } from "./fake-secrets.js";
export { captureRecords, shippedRecords, realRecords, CAPTURE_FILES } from "./real-records.js";
export type { JsonObject, RealRecord } from "./real-records.js";
export { badRecords, forgedUnitClaim } from "./bad-records.js";
export type { BadRecord } from "./bad-records.js";
