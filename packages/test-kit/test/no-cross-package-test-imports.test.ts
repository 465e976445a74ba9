// Tests share helpers through @oclog/test-kit, never by importing another package's test/ folder
// (and product code imports no test folder at all): a grep of the whole tree.
import { join } from "node:path";
import test from "ava";
import { assetRoot } from "@oclog/schema";
import { testFolderImports, testFolderImportsIn } from "./test-folder-imports.js";

const REPO = assetRoot();

test("no file imports another package's test/ folder", (t) => {
  const found = testFolderImports(REPO).map((i) => `${i.file}:${i.line} imports ${i.specifier} (${i.target}): move what it needs to @oclog/test-kit`);
  t.deepEqual(found, []);
});

test("the scan catches each kind of reach it forbids, and allows a package's own test folder", (t) => {
  const cliTest = join(REPO, "packages/cli/test/x.test.ts");
  // Written as TEST so that this file itself does not trip the tree-wide scan above.
  const text = [
    'import { Receiver } from "../../collect/TEST/receiver.js";',
    'export { x } from "../../sas/TEST/sample-state.js";',
    'const m = await import("../../hunt/TEST/standin.js");',
    'const child = new URL("../../cli2/TEST/child.ts", import.meta.url);',
    'import { runCli } from "./run-cli.js";',
    'import { Dice } from "../../../TEST/hostile/hostile-random.js";',
  ]
    .join("\n")
    .replaceAll("TEST", "test");
  t.deepEqual(
    testFolderImportsIn(REPO, cliTest, text).map((i) => `${i.line} ${i.target}`).sort(),
    ["1 packages/collect/test/receiver.js", "2 packages/sas/test/sample-state.js", "3 packages/hunt/test/standin.js", "4 packages/cli2/test/child.ts"],
  );
  const product = join(REPO, "packages/investigate/src/x.ts");
  t.deepEqual(
    testFolderImportsIn(REPO, product, 'import { a } from "../TEST/a.js";\nimport { b } from "../../../TEST/b.js";'.replaceAll("TEST", "test")).map((i) => i.target),
    ["packages/investigate/test/a.js", "test/b.js"],
  );
});
