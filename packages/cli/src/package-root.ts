/**
 * This package's folder, where its package.json and bin/oclog.js are: packages/cli in a checkout,
 * the installed `oclog` package's folder in the bundle (its launcher sets the asset root before
 * anything loads; `import.meta.url` there would name a bundle chunk, not this file).
 */
import { fileURLToPath } from "node:url";
import type {} from "@oclog/schema"; // declares globalThis.__OCLOG_ASSET_ROOT__

/** packages/cli/{src,dist}/package-root.* -> packages/cli. */
const CHECKOUT_PACKAGE_ROOT = fileURLToPath(new URL("../", import.meta.url));

export const CLI_PACKAGE_ROOT: string = globalThis.__OCLOG_ASSET_ROOT__ ?? CHECKOUT_PACKAGE_ROOT;
