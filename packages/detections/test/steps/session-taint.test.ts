// trackTaint: a session is tainted from its first external fetch on, with no time window; a
// session it spawned inherits it when the link is unambiguous (run id, or the one new session
// right after one spawn); nothing else is tainted.
import test from "ava";
import { SPAWN_LINK_SECONDS, TaintTracker, trackTaint, type SavedTaint, type TaintStep } from "../../src/steps/session-taint.js";

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

/**
 * The tracker before spawns were indexed, kept as the reference: every new session scans every
 * spawn. The index must give the same answer for every step.
 */
function referenceTaint(steps: readonly TaintStep[]): ReturnType<typeof trackTaint> {
  type State = { taint: { session: string | null; at: number; via: string; blob: string | null; line: number | null } | null; fetched: Set<string>; secretRead: boolean };
  type Spawn = { scope: string; parent: State; parentSession: string | null; time: number; runId: string | null; linked: boolean };
  const order = steps.map((_, i) => i).sort((a, b) => steps[a]!.time - steps[b]!.time || a - b);
  const sessions = new Map<string, State>();
  const spawns: Spawn[] = [];
  const out: ReturnType<typeof trackTaint> = [];
  for (const i of order) {
    const s = steps[i]!;
    let state = sessions.get(`${s.scope}\u0000${s.session ?? ""}`);
    if (state === undefined) {
      state = { taint: null, fetched: new Set(), secretRead: false };
      let parent: Spawn | undefined;
      if (s.session !== null) {
        parent = s.runId === null ? undefined : spawns.find((p) => p.runId !== null && p.runId === s.runId && p.scope === s.scope);
        if (parent === undefined) {
          const open = spawns.filter((p) => !p.linked && p.scope === s.scope && p.parentSession !== s.session && s.time >= p.time && s.time - p.time <= SPAWN_LINK_SECONDS * 1000);
          parent = open.length === 1 ? open[0] : undefined;
        }
      }
      if (parent) {
        parent.linked = true;
        state.fetched = new Set(parent.parent.fetched);
        state.secretRead = parent.parent.secretRead;
        if (parent.parent.taint) state.taint = { ...parent.parent.taint, via: `spawned by session ${parent.parentSession ?? "(unknown)"}, tainted by ${parent.parent.taint.via}` };
      }
      sessions.set(`${s.scope}\u0000${s.session ?? ""}`, state);
    }
    const taint = state.taint;
    out[i] = { tainted: taint !== null, taint_session: taint?.session ?? null, taint_at: taint?.at ?? null, taint_via: taint?.via ?? null, taint_blob: taint?.blob ?? null, taint_line: taint?.line ?? null, fetched_hosts: [...state.fetched], secret_read_before: state.secretRead };
    for (const host of s.fetchedHosts) state.fetched.add(host.toLowerCase());
    if (s.readsSecret) state.secretRead = true;
    if (s.external && state.taint === null) state.taint = { session: s.session, at: s.time, via: s.ref.what, blob: s.ref.blob, line: s.ref.line };
    if (s.isSpawn) spawns.push({ scope: s.scope, parent: state, parentSession: s.session, time: s.time, runId: s.spawnRunId, linked: false });
  }
  return out;
}

/** A seeded generator of days of steps, clustered in time so spawns and new sessions fall in each other's windows, or just outside. */
function randomDays(seed: number) {
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  return {
    random,
    day(): TaintStep[] {
      const steps: TaintStep[] = [];
      const sessions = Array.from({ length: 2 + Math.floor(random() * 12) }, (_, i) => `s${i}`);
      const runs = ["r1", "r2", "r3", null, null];
      let seconds = 0;
      for (let n = 0; n < 60; n++) {
        seconds += pick([0, 1, 5, 30, 90, 119, 120, 121, 400]);
        const spawn = random() < 0.2;
        steps.push(
          step(random() < 0.05 ? null : pick(sessions), seconds, spawn ? "sessions_spawn" : pick(["exec", "web_fetch", "read"]), {
            scope: pick(["alice|vm-alice", "alice|vm-alice", "bob|vm-bob"]),
            runId: pick(runs),
            external: random() < 0.2,
            fetchedHosts: random() < 0.2 ? [pick(["A.example", "b.example"])] : [],
            readsSecret: random() < 0.1,
            isSpawn: spawn,
            spawnRunId: spawn ? pick(runs) : null,
          }),
        );
      }
      return steps;
    },
  };
}

test("spawns found by index: the same taint as scanning every spawn, on 300 random days of sessions, spawns and run ids", (t) => {
  const days = randomDays(20261207);
  let linked = 0;
  for (let day = 0; day < 300; day++) {
    const steps = days.day();
    const expected = referenceTaint(steps);
    t.deepEqual(trackTaint(steps), expected, `day ${day}`);
    linked += expected.filter((e) => e.taint_via?.startsWith("spawned by")).length;
  }
  t.true(linked > 100, `${linked} steps ran in a spawned session tainted by its parent`);
});

test("saved and resumed: the rest of a day tracked from the saved state (through JSON) gets the taint of tracking the day at once", (t) => {
  const days = randomDays(20261208);
  let inheritedAcrossCut = 0;
  for (let day = 0; day < 300; day++) {
    const steps = days.day();
    const expected = trackTaint(steps);
    const cut = steps[Math.floor(days.random() * steps.length)]!.time;
    const before = steps.flatMap((s, i) => (s.time <= cut ? [i] : []));
    const after = steps.flatMap((s, i) => (s.time > cut ? [i] : []));
    const first = new TaintTracker();
    const got: ReturnType<typeof trackTaint> = new Array(steps.length);
    first.track(before.map((i) => steps[i]!)).forEach((taint, k) => (got[before[k]!] = taint));
    const resumed = TaintTracker.resume(JSON.parse(JSON.stringify(first.save())) as SavedTaint)!;
    t.true(resumed.follows(after.map((i) => steps[i]!)), `day ${day}`);
    resumed.track(after.map((i) => steps[i]!)).forEach((taint, k) => (got[after[k]!] = taint));
    t.deepEqual(got, expected, `day ${day}`);
    inheritedAcrossCut += after.filter((i) => expected[i]!.taint_via?.startsWith("spawned by") && steps.some((s) => s.time <= cut && s.isSpawn)).length;
    // A step at the cut's time, or before, is not after what was walked.
    if (before.length > 0) t.false(resumed.follows([{ ...steps[before.at(-1)!]!, time: cut }]));
  }
  t.true(inheritedAcrossCut > 50, `${inheritedAcrossCut} steps after a cut inherited a taint`);
});

test("a state saved by another version is not resumed", (t) => {
  t.is(TaintTracker.resume({ ...new TaintTracker().save(), version: 0 } as unknown as SavedTaint), undefined);
});
