// The lint passes every real twin and catches each kind of slip it promises to, on the line where
// the slip is; strings and comments never trigger it.
import test from "ava";
import { KQL_DIR } from "../src/kql-dir.js";
import { loadKqlDetections } from "../src/kql-detections.js";
import { lintKql, type KqlProblem } from "../src/kql-lint.js";

const { detections: twins } = await loadKqlDetections(KQL_DIR);

// A minimal clean body: the standard filter, then a query.
const HEAD = `OclogEvents_CL
| where TimeGenerated between (oclog_since .. oclog_until)
| where array_length(oclog_users) == 0 or User in (oclog_users)`;

const render = (problems: KqlProblem[]) => problems.map((p) => `${p.line}: ${p.message}`).join("\n");

test("every twin's body lints clean", (t) => {
  t.true(twins.length > 0);
  for (const twin of twins) t.deepEqual(lintKql(twin.body), [], `${twin.stem}:\n${render(lintKql(twin.body))}`);
});

test("a minimal body is clean, and strings, verbatim strings and comments are not code", (t) => {
  t.deepEqual(lintKql(HEAD), []);
  const tricky = `// a comment with ( [ { and oclog_nonsense | and "an open quote
let private_host = @'^(localhost|10(\\.\\d+){3})$';
${HEAD}
| where message matches regex @'it''s (an? )?\\[regex\\] with | pipes and "quotes"'
| where message has "escaped \\" quote ( and oclog_fake" or message has 'single \\' quote ['
| extend note = "// not a comment", t = \`\`\`multi
line ) string\`\`\`
| project TimeGenerated, User, message, ['kind'] = action // trailing comment ) ]`;
  t.deepEqual(lintKql(tricky), [], render(lintKql(tricky)));
});

const broken: { name: string; body: string; expect: { line: number; message: RegExp }[] }[] = [
  {
    name: "unclosed parenthesis",
    body: `${HEAD}\n| where (action == "tool.call"\n| project TimeGenerated, User, message`,
    expect: [{ line: 4, message: /`\(` is never closed/ }],
  },
  {
    name: "mismatched bracket",
    body: `${HEAD}\n| extend x = pack_array(1, 2]\n| project TimeGenerated, User, message`,
    expect: [{ line: 4, message: /`]` closes the `\(` opened on line 4/ }],
  },
  {
    name: "closer without opener",
    body: `${HEAD}\n| project TimeGenerated, User, message)`,
    expect: [{ line: 4, message: /`\)` closes nothing/ }],
  },
  {
    name: "unclosed double-quoted string",
    body: `${HEAD}\n| where action == "tool.call\n| project TimeGenerated, User, message`,
    expect: [{ line: 4, message: /string literal "\.\.\." is not closed on its line/ }],
  },
  {
    name: "string closed only by an escaped quote",
    body: `${HEAD}\n| where message has 'it\\'\n| project TimeGenerated, User, message`,
    expect: [{ line: 4, message: /string literal '\.\.\.' is not closed/ }],
  },
  {
    name: "unclosed verbatim string",
    body: `${HEAD}\n| where message matches regex @'^blocked (URL''s\n| project TimeGenerated, User, message`,
    expect: [{ line: 4, message: /verbatim string literal @'\.\.\.' is not closed/ }],
  },
  {
    name: "unknown parameter",
    body: `${HEAD}\n| where host in (oclog_hosts)`,
    expect: [{ line: 4, message: /unknown parameter oclog_hosts/ }],
  },
  {
    name: "users never used",
    body: `OclogEvents_CL\n| where TimeGenerated between (oclog_since .. oclog_until)\n| project TimeGenerated, User, message`,
    expect: [{ line: 1, message: /never uses oclog_users/ }],
  },
  {
    name: "window never used",
    body: `OclogEvents_CL\n| where User in (oclog_users)`,
    expect: [
      { line: 1, message: /never uses oclog_since/ },
      { line: 1, message: /never uses oclog_until/ },
    ],
  },
  {
    name: "parameter glued into text with strcat",
    body: `${HEAD}\n| where message has strcat("user=", tostring(oclog_users[0]))`,
    expect: [{ line: 4, message: /oclog_users is passed to strcat\(\)/ }],
  },
  {
    name: "parameter glued into text with strcat_delim",
    body: `${HEAD}\n| extend x = strcat_delim(",", oclog_since)`,
    expect: [{ line: 4, message: /oclog_since is passed to strcat_delim\(\)/ }],
  },
  {
    name: "window shifted with +",
    body: `${HEAD}\n| where TimeGenerated < oclog_until + 1d`,
    expect: [{ line: 4, message: /oclog_until is combined with \+ or -/ }],
  },
  {
    name: "window shifted with -",
    body: `${HEAD}\n| where TimeGenerated > 1h - oclog_since`,
    expect: [{ line: 4, message: /oclog_since is combined with \+ or -/ }],
  },
  {
    name: "parameter re-declared",
    body: `let oclog_users = dynamic([]);\n${HEAD}`,
    expect: [{ line: 1, message: /the body declares oclog_users/ }],
  },
  {
    name: "body starts with something other than the table or a let",
    body: `.drop table OclogEvents_CL;\n${HEAD}`,
    expect: [{ line: 1, message: /only `let NAME = \.\.\.;` statements may come before the query/ }],
  },
  {
    name: "query over another table",
    body: `let x = ${HEAD};\nSecurityEvent\n| where Account in (x)`,
    expect: [{ line: 4, message: /must start with OclogEvents_CL or a name bound by an earlier let, got "SecurityEvent"/ }],
  },
  {
    name: "never reads the table",
    body: `print a = oclog_since, b = oclog_until, c = oclog_users`,
    expect: [
      { line: 1, message: /must start with OclogEvents_CL/ },
      { line: 1, message: /never reads OclogEvents_CL/ },
    ],
  },
  {
    name: "ends with a let",
    body: `let x = ${HEAD}`,
    expect: [{ line: 1, message: /ends with a let statement, not a query/ }],
  },
  {
    name: "trailing semicolon",
    body: `${HEAD};`,
    expect: [{ line: 3, message: /no query after the last `;`/ }],
  },
  {
    name: "dangling pipe at the end",
    body: `${HEAD}\n| project TimeGenerated, User, message\n|`,
    expect: [{ line: 5, message: /`\|` with no operator after it/ }],
  },
  {
    name: "two pipes in a row",
    body: `${HEAD}\n|\n| project TimeGenerated, User, message`,
    expect: [{ line: 4, message: /`\|` with no operator after it/ }],
  },
  {
    name: "dangling pipe before a semicolon",
    body: `let x = ${HEAD}\n| ;\nx`,
    expect: [{ line: 4, message: /`\|` with no operator after it/ }],
  },
  {
    name: "pipe with no input",
    body: `let x = | where true;\n${HEAD}`,
    expect: [{ line: 1, message: /`\|` with no input before it/ }],
  },
];

for (const { name, body, expect } of broken) {
  test(`catches: ${name}`, (t) => {
    const problems = lintKql(body);
    for (const { line, message } of expect) {
      t.true(
        problems.some((problem) => problem.line === line && message.test(problem.message)),
        `expected line ${line} ${String(message)}, got:\n${render(problems)}`,
      );
    }
  });
}

test("several problems are all reported, in line order", (t) => {
  const problems = lintKql(`let oclog_since = now();\nOclogEvents_CL\n| where x == "open\n| where (a`);
  t.true(problems.length >= 4, render(problems));
  t.deepEqual(problems.map((p) => p.line), [...problems.map((p) => p.line)].sort((a, b) => a - b));
});

test("bound text: the prelude must have kqlBind's exact shape", (t) => {
  const prelude = `let oclog_since = datetime(2026-11-01T00:00:00.000Z);\nlet oclog_until = datetime(2026-11-02T00:00:00.000Z);\nlet oclog_users = dynamic(["alice", "b\\"ob"]);`;
  t.deepEqual(lintKql(`${prelude}\n${HEAD}`, { bound: true }), []);
  // As a plain body, the same text re-declares the parameters.
  t.true(lintKql(`${prelude}\n${HEAD}`).some((p) => /the body declares oclog_since/.test(p.message)));

  const tampered = prelude.replace('dynamic(["alice", "b\\"ob"])', 'dynamic(["alice"]) | union SecurityEvent');
  const problems = lintKql(`${tampered}\n${HEAD}`, { bound: true });
  t.true(problems.some((p) => p.line === 3 && /prelude statement 3 is not the `let oclog_users = \.\.\.;`/.test(p.message)), render(problems));
  const shifted = prelude.replace("datetime(2026-11-01T00:00:00.000Z)", "ago(30d)");
  t.true(lintKql(`${shifted}\n${HEAD}`, { bound: true }).some((p) => p.line === 1 && /prelude statement 1/.test(p.message)));
  t.true(lintKql(HEAD, { bound: true }).some((p) => /prelude statement 1/.test(p.message)), "no prelude at all");
});
