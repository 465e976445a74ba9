/**
 * Where oclog's data folders (`queries/`, `test/fixtures/`) are found at run time. In a checkout
 * (source or `dist`) that is the repository root; in the installed CLI, which is one bundled file,
 * the bundle's entry sets `globalThis.__OCLOG_ASSET_ROOT__` to the installed package's folder,
 * because `import.meta.url` there names the bundle, not the module that asks.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// packages/schema/{src,dist}/asset-root.* -> the repository root.
const CHECKOUT_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

declare global {
  // Set once by the bundled CLI's entry, before any module reads it.
  var __OCLOG_ASSET_ROOT__: string | undefined;
}

/** The folder holding `queries/` and the demo's fixtures: the checkout, or the installed package. */
export function assetRoot(): string {
  return globalThis.__OCLOG_ASSET_ROOT__ ?? CHECKOUT_ROOT;
}

/** A path below the asset root, e.g. `assetPath("queries", "detections")`. */
export function assetPath(...segments: string[]): string {
  return join(assetRoot(), ...segments);
}
