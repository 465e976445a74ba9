// kept for packages/investigate/test/detections.test.ts until it moves
export * from "./load/events-table.js";
