/**
 * Which release of the matrix writes which variant of each source's schema (a transcript's
 * `message:toolResult`, a runtime trajectory's `runtime:tool.call`, ...): known-variants.json,
 * generated from the committed captures of every release by `pnpm shapes:known` and checked
 * current by a test. The gateway log's finer shapes (subsystem and message template) are in
 * gateway-log/known-shapes.json.
 */
import knownVariants from "./known-variants.json" with { type: "json" };
import type { SourceName } from "../sources.js";

/** `<source> <variant>` -> the releases whose captures hold it. */
export const KNOWN_VARIANTS: Readonly<Record<string, readonly string[]>> = knownVariants.variants;

/** The releases of the matrix that wrote this variant of `source` (none: no captured release did). */
export function releasesWritingVariant(source: SourceName, variant: string): readonly string[] {
  const key = `${source} ${variant}`;
  return Object.hasOwn(KNOWN_VARIANTS, key) ? KNOWN_VARIANTS[key]! : [];
}
