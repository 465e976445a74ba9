// `@oclog/test-kit/demo`: `oclog demo`'s incident, how Fluent Bit names and writes blobs, and the run.
export { buildDemoIncident } from "./incident.js";
export type { DemoIncident, DemoBlob } from "./incident.js";
export { blobNameV5, shippedRecord, fluentTimestamp, randomName } from "./fluent-bit-blob.js";
export { runDemo, uploadIncident, demoFixturesDir, DEMO_FIXTURES } from "./run-demo.js";
