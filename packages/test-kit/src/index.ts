// `@oclog/test-kit`: what every kind of test needs; the heavier helpers are sub-paths (see README.md).
export { freePort } from "./free-port.js";
