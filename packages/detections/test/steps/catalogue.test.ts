// The catalogue is data reviewed like rules: every entry says why and where from, and the loader
// refuses a broken entry naming file, entry and field, with every problem at once.
import test from "ava";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CATALOGUE_DIR, defaultCatalogue, knownHostKind, loadCatalogue, parseCatalogue, secretCommandOf } from "@oclog/detections";

test("the shipped catalogue loads, each part non-empty", (t) => {
  const catalogue = loadCatalogue();
  t.true(catalogue.secretPaths.length >= 15);
  t.true(catalogue.persistencePaths.length >= 10);
  t.true(catalogue.developerHosts.length >= 5);
  t.is(defaultCatalogue().secretPaths.length, catalogue.secretPaths.length);
});

test("every entry cites a URL or a repository document", (t) => {
  for (const name of readdirSync(CATALOGUE_DIR).filter((n) => n.endsWith(".yml"))) {
    for (const line of readFileSync(join(CATALOGUE_DIR, name), "utf8").split("\n").filter((l) => /^\s+source:/.test(l))) {
      t.regex(line, /source: (https:\/\/|queries\/|test\/|docs\/)/, `${name}: ${line.trim()}`);
    }
  }
});

const good = readdirSync(CATALOGUE_DIR)
  .filter((n) => n.endsWith(".yml"))
  .map((name) => ({ name, text: readFileSync(join(CATALOGUE_DIR, name), "utf8") }));

test("a broken entry is refused with file, entry index and field; all problems at once", (t) => {
  const broken = `catalogue: secret-paths
entries:
  - kind: fine-entry
    paths: [".fine"]
    why: fine
    source: https://example.org/fine
  - kind: Not Kebab
    paths: []
    why: ""
    source: x
    severity: high
`;
  const result = parseCatalogue([...good.filter((f) => !f.name.startsWith("secret")), { name: "secret-paths.yml", text: broken }]);
  t.false(result.ok);
  if (result.ok) return;
  const text = result.problems.join("\n");
  t.regex(text, /secret-paths\.yml: entries\[1\]\.kind: must be kebab-case/);
  t.regex(text, /entries\[1\]\.paths: needs at least one path/);
  t.regex(text, /entries\[1\]\.why: is empty/);
  t.regex(text, /entries\[1\]\.source: must name a URL/);
  t.regex(text, /entries\[1\]: Unrecognized key.*severity/i);
});

test("YAML errors, unknown catalogues and duplicate files are refused", (t) => {
  const yaml = parseCatalogue([{ name: "a.yml", text: "catalogue: [unclosed" }]);
  t.false(yaml.ok);
  const unknown = parseCatalogue([{ name: "b.yml", text: "catalogue: other\nentries: []\n" }]);
  t.false(unknown.ok);
  const twice = parseCatalogue([...good, { name: "again.yml", text: good.find((f) => f.name.startsWith("developer"))!.text }]);
  t.false(twice.ok);
  if (!twice.ok) t.regex(twice.problems.join("\n"), /a second "developer-hosts" file/);
});

test("known developer hosts: exact names and *.domain suffixes only", (t) => {
  const catalogue = defaultCatalogue();
  t.is(knownHostKind(catalogue, "registry.npmjs.org"), "package-registry");
  t.is(knownHostKind(catalogue, "objects.githubusercontent.com"), "source-forge");
  t.is(knownHostKind(catalogue, "githubusercontent.com.evil.example"), null);
  t.is(knownHostKind(catalogue, "evilgithub.com"), null);
});

test("secret-commands entries: program, commands, flags checked; the shipped list matches what it says", (t) => {
  const broken = `catalogue: secret-commands
entries:
  - kind: fine
    program: gh
    commands: ["auth token"]
    why: fine
    source: https://example.org/fine
  - kind: broken
    program: "bin/gh x"
    commands: []
    flags: ["show-token"]
    why: fine
    source: https://example.org/fine
    subcommand: auth
`;
  const result = parseCatalogue([...good.filter((f) => f.name !== "secret-commands.yml"), { name: "secret-commands.yml", text: broken }]);
  t.false(result.ok);
  if (result.ok) return;
  const text = result.problems.join("\n");
  t.regex(text, /secret-commands\.yml: entries\[1\]\.program: must be a program name/);
  t.regex(text, /entries\[1\]\.commands: needs at least one command/);
  t.regex(text, /entries\[1\]\.flags\[0\]: must start with -/);
  t.regex(text, /entries\[1\]: Unrecognized key.*subcommand/i);
  const missing = parseCatalogue(good.filter((f) => f.name !== "secret-commands.yml"));
  t.false(missing.ok);
  const commands = defaultCatalogue().secretCommands;
  t.true(commands.length >= 10);
  t.deepEqual(secretCommandOf(commands, "gh", ["auth", "token"])?.entry.kind, "github-cli-token");
  t.is(secretCommandOf(commands, "gh", ["auth", "status"]), null);
  t.is(secretCommandOf(commands, "docker-credential-pass", ["get"])?.entry.kind, "docker-credentials");
  t.is(secretCommandOf(commands, "kubectl", ["config", "view"]), null);
});
