// kept for packages/investigate/test/detections.test.ts until it moves
export * from "./detect/detections.js";
