// trackTaint: a session is tainted from its first external fetch on, with no time window; a
// session it spawned inherits it when the link is unambiguous (run id, or the one new session
// right after one spawn); nothing else is tainted.
import test from "ava";
import { SPAWN_LINK_SECONDS, trackTaint, type TaintStep } from "../../src/steps/session-taint.js";

const T0 = Date.parse("2026-11-25T09:00:00Z");
function step(session: string | null, seconds: number, tool: string, extra: Partial<TaintStep> = {}): TaintStep {
  return {
    scope: "alice|vm-alice",
    session,
    time: T0 + seconds * 1000,
    tool,
    runId: null,
    external: false,
    fetchedHosts: [],
    readsSecret: false,
    spawnRunId: null,
    isSpawn: false,
    ref: { blob: "b", line: seconds, what: `${tool} at ${seconds}` },
    ...extra,
  };
}
const fetch = (session: string, seconds: number, host = "tips.example.org") =>
  step(session, seconds, "web_fetch", { external: true, fetchedHosts: [host], ref: { blob: "b", line: seconds, what: `web_fetch https://${host}/` } });

test("a session is tainted from its first external fetch on, a day later too, and the fetch itself is not", (t) => {
  const out = trackTaint([step("s1", 0, "exec"), fetch("s1", 10), step("s1", 20, "exec"), step("s1", 86_400, "exec")]);
  t.deepEqual(out.map((o) => o.tainted), [false, false, true, true]);
  t.is(out[3]!.taint_via, "web_fetch https://tips.example.org/");
  t.is(out[3]!.taint_line, 10);
  t.deepEqual(out[3]!.fetched_hosts, ["tips.example.org"]);
});

test("another session of the same user is not tainted", (t) => {
  const out = trackTaint([fetch("s1", 0), step("s2", 500, "exec")]);
  t.false(out[1]!.tainted);
});

test("input order does not matter: steps are walked by time", (t) => {
  const out = trackTaint([step("s1", 20, "exec"), fetch("s1", 10)]);
  t.true(out[0]!.tainted);
  t.false(out[1]!.tainted);
});

test("a subagent linked by the spawn result's run id inherits the taint, however late it starts", (t) => {
  const out = trackTaint([
    fetch("parent", 0),
    step("parent", 5, "sessions_spawn", { isSpawn: true, spawnRunId: "run-7" }),
    step("other", 6, "exec"),
    step("child", 3600, "exec", { runId: "run-7" }),
  ]);
  t.true(out[3]!.tainted);
  t.regex(out[3]!.taint_via!, /^spawned by session parent, tainted by web_fetch/);
  t.is(out[3]!.taint_session, "parent");
  // "other" started within the window of that spawn: it took the time link (one candidate).
  t.true(out[2]!.tainted);
});

test("without a run id, the one new session within the window of one spawn is its child; later ones are not", (t) => {
  const out = trackTaint([
    fetch("parent", 0),
    step("parent", 5, "sessions_spawn", { isSpawn: true }),
    step("child", 10, "exec"),
    step("late", 5 + SPAWN_LINK_SECONDS + 1, "exec"),
  ]);
  t.true(out[2]!.tainted);
  t.false(out[3]!.tainted);
});

test("two spawns in the same window: a new session could be either's child, so none is linked", (t) => {
  const out = trackTaint([
    step("clean", -100, "exec"),
    fetch("parent", 0),
    step("parent", 5, "sessions_spawn", { isSpawn: true }),
    step("clean", 6, "sessions_spawn", { isSpawn: true }),
    step("child", 10, "exec"),
  ]);
  t.false(out[4]!.tainted);
});

test("a secret read earlier in the session (or its parent) is carried forward", (t) => {
  const out = trackTaint([
    fetch("parent", 0),
    step("parent", 2, "exec", { readsSecret: true }),
    step("parent", 3, "sessions_spawn", { isSpawn: true, spawnRunId: "r" }),
    step("child", 4, "web_fetch", { runId: "r" }),
  ]);
  t.false(out[1]!.secret_read_before);
  t.true(out[2]!.secret_read_before);
  t.true(out[3]!.secret_read_before);
});

test("sessions of another user or host are never linked to a spawn", (t) => {
  const out = trackTaint([fetch("parent", 0), step("parent", 5, "sessions_spawn", { isSpawn: true }), step("child", 10, "exec", { scope: "bob|vm-bob" })]);
  t.false(out[2]!.tainted);
});
