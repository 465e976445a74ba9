// `@oclog/test-kit/fluent-bit`: real Fluent Bit 5.1.1 as a child process, and the small rigs built on it.
export { startFluentBit, startSmallFluentBit, requireFluentBit, problemLines, hotReloadCount, waitFor, FLUENT_BIT_BIN } from "./fluent-bit-process.js";
export type { FluentBitProcess } from "./fluent-bit-process.js";
export { Receiver, duplicates } from "./receiver.js";
export type { Received } from "./receiver.js";
export { startReloadableFluentBit } from "./reload-fluent-bit.js";
export type { ReloadableFluentBit } from "./reload-fluent-bit.js";
export { ShippingFluentBit } from "./shipping-fluent-bit.js";
export type { ShippingOptions } from "./shipping-fluent-bit.js";
