// Binding renders exactly the prelude the twins expect, escapes any text it puts in a literal,
// rejects bad values all at once, leaves the body untouched, and every bound twin lints clean.
import test from "ava";
import { UsageError } from "@oclog/errors";
import { kqlBind, kqlDatetime, kqlString, kqlStringArray } from "../src/kql-bind.js";
import { KQL_DIR } from "../src/kql-dir.js";
import { loadKqlDetections } from "../src/kql-detections.js";
import { lintKql } from "../src/kql-lint.js";

const { detections: twins } = await loadKqlDetections(KQL_DIR);
const window = { since: new Date("2026-11-01T00:00:00Z"), until: new Date("2026-11-02T12:30:00.250Z") };

test("the exact text for a sample body", (t) => {
  const body = "OclogEvents_CL\n| where TimeGenerated between (oclog_since .. oclog_until)\n| where array_length(oclog_users) == 0 or User in (oclog_users)";
  t.is(
    kqlBind(body, { ...window, users: ["alice", "team-7"] }),
    [
      "let oclog_since = datetime(2026-11-01T00:00:00.000Z);",
      "let oclog_until = datetime(2026-11-02T12:30:00.250Z);",
      'let oclog_users = dynamic(["alice", "team-7"]);',
      body,
    ].join("\n"),
  );
});

test("no users binds an empty array (all users), and a repeated user once", (t) => {
  t.true(kqlBind("x", { ...window, users: [] }).includes("let oclog_users = dynamic([]);\n"));
  t.true(kqlBind("x", { ...window, users: ["bob", "alice", "bob"] }).includes('let oclog_users = dynamic(["bob", "alice"]);\n'));
});

test("the body appears verbatim at the end, whatever it contains", (t) => {
  const body = `// comment\nlet x = "oclog_users \\" ' @' \`\`\` \${users}";\nOclogEvents_CL | take 1\n\n`;
  const bound = kqlBind(body, { ...window, users: ["alice"] });
  t.true(bound.endsWith(`\n${body}`));
  t.is(bound.split("\n").length, 3 + body.split("\n").length);
});

test("kqlString escapes quotes, backslashes and control characters", (t) => {
  t.is(kqlString('say "hi"'), '"say \\"hi\\""');
  t.is(kqlString("C:\\temp\\"), '"C:\\\\temp\\\\"');
  t.is(kqlString("a\nb\r\tc"), '"a\\nb\\r\\tc"');
  t.is(kqlString("\u0000\u001b\u007f\u2028"), '"\\u0000\\u001b\\u007f\\u2028"');
  t.is(kqlString("it's ü ⇄"), `"it's ü ⇄"`, "single quotes and other Unicode need no escape");
  // The escapes KQL reads are JSON's, so JSON.parse is an independent decoder.
  for (const value of ['"]) | union SecurityEvent | where ("', "\\\"", "x\\", "\n\"\\\u0001", ""]) {
    const literal = kqlString(value);
    t.is(JSON.parse(literal), value);
    t.false(/[\n\r]/.test(literal), "one line");
    t.true(lintKql(`let v = ${literal};\nOclogEvents_CL | where TimeGenerated between (oclog_since .. oclog_until) | where User in (oclog_users)`).length === 0);
  }
  t.is(kqlStringArray(['a"b', "c\\"]), 'dynamic(["a\\"b", "c\\\\"])');
});

test("kqlDatetime renders UTC with milliseconds and refuses what KQL cannot read", (t) => {
  t.is(kqlDatetime(new Date("2026-11-01T01:02:03+02:00")), "datetime(2026-10-31T23:02:03.000Z)");
  t.throws(() => kqlDatetime(new Date("not a date")), { instanceOf: UsageError, message: /time is not a valid date/ });
  t.throws(() => kqlDatetime(new Date(Date.UTC(10000, 0, 1))), { instanceOf: UsageError, message: /outside the years 0001-9999/ });
});

test("bad values are all reported in one UsageError, and nothing is rendered", (t) => {
  const error = t.throws(
    () => kqlBind("x", { since: new Date("nope"), until: window.until, users: ["alice", 'eve"]) | union SecurityEvent //', "Bob"] }),
    { instanceOf: UsageError },
  );
  t.regex(error.message, /since is not a valid date/);
  t.regex(error.message, /users: .*eve.* is not a valid user id/);
  t.regex(error.message, /users: .*Bob.* is not a valid user id/);
  t.notRegex(error.message, /alice/);
  t.deepEqual((error.context.problems as string[]).length, 3);
  t.throws(() => kqlBind("x", { since: window.until, until: window.since, users: [] }), { instanceOf: UsageError, message: /since .* is after until/ });
});

test("every twin, bound, is lint-clean text that ends with its body", (t) => {
  t.true(twins.length > 0);
  for (const twin of twins) {
    for (const users of [[], ["alice"], ["alice", "team-7"]]) {
      const bound = kqlBind(twin.body, { ...window, users });
      const problems = lintKql(bound, { bound: true });
      t.deepEqual(problems, [], `${twin.stem} with ${users.length} user(s): ${problems.map((p) => `${p.line}: ${p.message}`).join("; ")}`);
      t.true(bound.endsWith(`\n${twin.body}`), twin.stem);
    }
  }
});
