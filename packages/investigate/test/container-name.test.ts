// Which container holds a user's blobs, and hostile --user values: each is refused with a
// UsageError that shows it safely, before it can reach a file path, a container name or a query.
import test from "ava";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "@oclog/errors";
import {
  chooseContainer,
  containerForUser,
  parseUsersMap,
  renderContainerTemplate,
  validateContainerName,
  validateUserId,
} from "../src/source/container-name.js";

const dir = mkdtempSync(join(tmpdir(), "oclog-container-"));

const HOSTILE = [
  "../x",
  "a;drop table",
  "ALICE",
  "a/b",
  "\u0430lice", // Cyrillic a
  "ａｌｉｃｅ", // full-width
  "alice\u202e", // right-to-left override
  "",
  "a".repeat(64),
  "a".repeat(10_000),
  "alice\n",
  "alice\nbob",
  "$(id)",
  "`id`",
  "alice bob",
  "-alice",
  "alice-",
  "al_ice",
  "al.ice",
  "alice%2F..",
  "alice\u0000",
  " alice",
];

test("valid user ids pass unchanged", (t) => {
  for (const user of ["alice", "a", "bob-2", "0", "team-7-ops", "a".repeat(63)]) t.is(validateUserId(user), user);
});

test("hostile user ids: UsageError, value shown quoted, escaped, one line, bounded", (t) => {
  for (const user of HOSTILE) {
    const error = t.throws(() => validateUserId(user), { instanceOf: UsageError }, JSON.stringify(user));
    t.true(error.message.startsWith("--user: "), error.message);
    t.regex(error.message, /is not a valid user id$/);
    t.true(/^[\x20-\x7e]*$/.test(error.message), `printable ASCII only: ${JSON.stringify(error.message)}`);
    t.true(error.message.length < 200, "bounded length");
    t.regex(error.hint ?? "", /lowercase letters, digits and inner dashes/);
    t.is(error.exitCode, 2);
  }
  t.throws(() => validateUserId(undefined), { instanceOf: UsageError });
  t.throws(() => validateUserId(42), { instanceOf: UsageError });
  const long = t.throws(() => validateUserId("a".repeat(10_000)))!;
  t.regex(long.message, /\.\.\. \(10000 chars\)/);
  const rtl = t.throws(() => validateUserId("alice\u202e"))!;
  t.true(rtl.message.includes("\\u202e"));
});

test("hostile user ids never reach the users file or a container name", async (t) => {
  for (const user of HOSTILE) {
    // The users file does not exist: reading it would be a different error (ENOENT).
    const error = await t.throwsAsync(containerForUser(user, { usersFile: join(dir, "missing.json") }), { instanceOf: UsageError });
    t.true(error.message.startsWith("--user: "), error.message);
    t.throws(() => chooseContainer(user, { container: "oclog-alice" }), { instanceOf: UsageError, message: /^--user: / });
    t.throws(() => renderContainerTemplate("oclog-{user}", user), { instanceOf: UsageError, message: /^--user: / });
  }
});

test("container names follow Azure's rules", (t) => {
  for (const name of ["abc", "oclog-alice", "a1-b2-c3", "a".repeat(63)]) t.is(validateContainerName(name, "--container"), name);
  for (const name of ["ab", "a".repeat(64), "Oclog", "oclog--alice", "-oclog", "oclog-", "oclog_alice", "oclog.alice", "$root", "$logs", "a/b", "oclog alice", "oclog-alice\n"]) {
    const error = t.throws(() => validateContainerName(name, "--container"), { instanceOf: UsageError }, JSON.stringify(name));
    t.true(error.message.startsWith("--container: "));
    t.regex(error.hint ?? "", /3-63 lowercase letters/);
  }
});

test("precedence: --container, then --users, then the template", (t) => {
  const usersMap = { text: '{"alice": "team-a-logs"}', source: "users.json" };
  t.deepEqual(chooseContainer("alice", { container: "explicit-one", usersMap, template: "x-{user}" }), { user: "alice", container: "explicit-one", via: "--container" });
  t.deepEqual(chooseContainer("alice", { usersMap, template: "x-{user}" }), { user: "alice", container: "team-a-logs", via: "--users" });
  t.deepEqual(chooseContainer("alice", { template: "logs-{user}-prod" }), { user: "alice", container: "logs-alice-prod", via: "--container-template" });
  t.deepEqual(chooseContainer("alice"), { user: "alice", container: "oclog-alice", via: "--container-template" });
});

test("templates: must contain {user}, only {user}, and produce a valid name", (t) => {
  t.throws(() => renderContainerTemplate("shared-logs", "alice"), { instanceOf: UsageError, message: /no \{user\} placeholder/ });
  t.throws(() => renderContainerTemplate("{env}-{user}", "alice"), { instanceOf: UsageError, message: /placeholder other than \{user\}/ });
  t.throws(() => renderContainerTemplate("x--{user}", "alice"), { instanceOf: UsageError, message: /is not a valid container name/ });
  // A long user id can make the container too long even though the user id is valid.
  t.throws(() => renderContainerTemplate("oclog-{user}", "a".repeat(60)), { instanceOf: UsageError, message: /not a valid container name/ });
  t.is(renderContainerTemplate("{user}", "abc"), "abc");
  t.throws(() => renderContainerTemplate("{user}", "ab"), { instanceOf: UsageError });
});

test("users map: JSON object or `user container` lines, every entry checked", (t) => {
  t.deepEqual([...parseUsersMap('{"alice": "oclog-alice", "bob": "team-b"}', "u.json")], [["alice", "oclog-alice"], ["bob", "team-b"]]);
  t.deepEqual(
    [...parseUsersMap("# users\nalice oclog-alice\n\nbob,team-b   # comment\r\ncarol\tlogs-carol\n", "u.txt")],
    [["alice", "oclog-alice"], ["bob", "team-b"], ["carol", "logs-carol"]],
  );
  t.deepEqual([...parseUsersMap("\uFEFFalice oclog-alice\n", "bom.txt")], [["alice", "oclog-alice"]]);
  const cases: [string, RegExp][] = [
    ['{"alice": ', /not valid JSON/],
    ['["alice"]', /expected a JSON object/],
    ['{"alice": 5}', /entry "alice": 5 is not a valid container name/],
    ['{"ALICE": "oclog-alice"}', /entry "ALICE": "ALICE" is not a valid user id/],
    ["alice oclog-alice extra", /line 1: expected "user container"/],
    ["alice", /line 1: expected "user container"/],
    ["alice oclog-alice\nalice other-one", /line 2: user alice is listed twice/],
    ["alice ../../etc", /line 1: "..\/..\/etc" is not a valid container name/],
    ["$(id) oclog-x", /line 1: "\$\(id\)" is not a valid user id/],
  ];
  for (const [text, message] of cases) t.throws(() => parseUsersMap(text, "users.txt"), { instanceOf: UsageError, message }, text);
});

test("containerForUser reads the users file; a user missing from it is an error, not a fallback", async (t) => {
  const json = join(dir, "users.json");
  writeFileSync(json, JSON.stringify({ alice: "team-a-logs" }));
  t.deepEqual(await containerForUser("alice", { usersFile: json }), { user: "alice", container: "team-a-logs", via: "--users" });
  const missing = await t.throwsAsync(containerForUser("bob", { usersFile: json }), { instanceOf: UsageError });
  t.regex(missing.message, /user bob is not in the users map/);
  t.regex(missing.hint ?? "", /--container/);
  const unreadable = await t.throwsAsync(containerForUser("alice", { usersFile: join(dir, "nope.json") }), { instanceOf: UsageError });
  t.regex(unreadable.message, /^--users: cannot read .*\(ENOENT\)/);
  // --container wins without even reading the file.
  t.deepEqual(await containerForUser("alice", { container: "explicit-one", usersFile: join(dir, "nope.json") }), { user: "alice", container: "explicit-one", via: "--container" });
  t.deepEqual(await containerForUser("alice"), { user: "alice", container: "oclog-alice", via: "--container-template" });
});
