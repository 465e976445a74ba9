// Dependencies go one way: the product packages neither list @oclog/test-kit nor import it; only
// the CLI (for `oclog demo`), the root package and tests do.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import test from "ava";
import { assetPath } from "@oclog/schema";
import { sourceFiles } from "./test-folder-imports.js";

const PACKAGES = assetPath("packages");
// The packages that may use the kit at run time; every other package is product.
const KIT_USERS = new Set(["cli", "test-kit"]);
const products = readdirSync(PACKAGES).filter((name) => !KIT_USERS.has(name) && readdirSync(join(PACKAGES, name)).includes("package.json"));

test("the product packages are the ones expected (a new package is classified on purpose)", (t) => {
  t.deepEqual(products.sort(), ["azure", "collect", "detections", "errors", "fluent-bit", "hunt", "investigate", "sas", "schema"]);
});

test("no product package lists @oclog/test-kit among its dependencies", (t) => {
  const listing = products.filter((name) => {
    const manifest = JSON.parse(readFileSync(join(PACKAGES, name, "package.json"), "utf8")) as Record<string, Record<string, string> | undefined>;
    return ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"].some((field) => manifest[field]?.["@oclog/test-kit"] !== undefined);
  });
  t.deepEqual(listing, []);
});

test("no product source file imports @oclog/test-kit", (t) => {
  const importing = sourceFiles(assetPath())
    .filter((file) => products.some((name) => file.startsWith(join(PACKAGES, name, "src") + "/")))
    .filter((file) => /["']@oclog\/test-kit(?:\/[^"']*)?["']/.test(readFileSync(file, "utf8")))
    .map((file) => file.slice(assetPath().length));
  t.deepEqual(importing, []);
});
