/**
 * Which steps run in a session that took in external content, and since when: tracked taint, not a
 * time window. A session is tainted from its first successful external fetch (web_fetch, browser,
 * web_search of a public host) to its end, however many turns later; a session it spawned
 * (`sessions_spawn`) inherits its taint. Pure: steps in, one answer per step out, in input order.
 *
 * A spawned session is linked to its parent when its steps carry the spawn result's `runId`, or,
 * failing that, when it is the only new session of the same user and host to start within
 * SPAWN_LINK_SECONDS of one spawn whose child is not yet known. Two spawns that close together, or a
 * new session with two candidate parents, are not linked: a guess would taint the wrong session.
 */

/** What the tracker needs of one step (its classification already done). */
export interface TaintStep {
  /** `user|host` or any key: sessions only link within the same scope. */
  scope: string;
  session: string | null;
  /** Milliseconds since the epoch. */
  time: number;
  tool: string;
  runId: string | null;
  /** The step took in content from outside (a successful fetch of a public host, a search). */
  external: boolean;
  /** Hosts the step fetched from (web_fetch/browser destinations), for "a host the session did not fetch from". */
  fetchedHosts: readonly string[];
  readsSecret: boolean;
  /** For a successful `sessions_spawn`: the `runId` its result names, if any. */
  spawnRunId: string | null;
  isSpawn: boolean;
  /** Where the step is in the evidence, for the taint's reference. */
  ref: { blob: string | null; line: number | null; what: string };
}

/** The taint a step runs under: the state of its session before the step. */
export interface StepTaint {
  tainted: boolean;
  /** The session whose fetch tainted this one (itself, or an ancestor). */
  taint_session: string | null;
  taint_at: number | null;
  /** What tainted it: the fetch, and for a spawned session, "spawned by <session>". */
  taint_via: string | null;
  taint_blob: string | null;
  taint_line: number | null;
  /** Hosts the session and its ancestors fetched from before this step (lower case). */
  fetched_hosts: string[];
  /** The session (or an ancestor) read secret material before this step. */
  secret_read_before: boolean;
}

/** How long after a spawn its child's first step may come, to be linked by time alone. */
export const SPAWN_LINK_SECONDS = 120;

/** What tainted a session: the fetch (its session, time, what and where). */
export interface SessionTaint {
  session: string | null;
  at: number;
  via: string;
  blob: string | null;
  line: number | null;
}

interface SessionState {
  /** Its key in the tracker (scope and session), by which a saved spawn names its parent. */
  key: string;
  taint: SessionTaint | null;
  fetched: Set<string>;
  secretRead: boolean;
}

interface PendingSpawn {
  scope: string;
  parent: SessionState;
  parentSession: string | null;
  time: number;
  runId: string | null;
  linked: boolean;
}

/** The taint of every step; `steps` may be in any order (they are walked by time). */
export function trackTaint(steps: readonly TaintStep[]): StepTaint[] {
  return new TaintTracker().track(steps);
}

/**
 * The tracker's whole state after the steps it walked, as plain JSON: a case keeps it, so the next
 * day's steps are tracked on from it instead of walking the whole month again.
 */
export interface SavedTaint {
  version: typeof SAVED_TAINT_VERSION;
  sessions: Array<[key: string, taint: SessionTaint | null, fetched: string[], secretRead: boolean]>;
  spawns: Array<{ scope: string; parent: string; parentSession: string | null; time: number; runId: string | null; linked: boolean }>;
  /** Index into `spawns` of the first spawn of each `scope\0runId`. */
  byRun: Array<[key: string, spawn: number]>;
  /** Per scope, indexes into `spawns` of the spawns still within the link window. */
  recent: Array<[scope: string, spawns: number[]]>;
  /** Per scope, the time of the last step walked. */
  lastTime: Array<[scope: string, time: number]>;
}

const SAVED_TAINT_VERSION = 1;

/**
 * Taint tracking that can stop and go on: `track` walks steps in time order from where the last
 * call (or the saved state) left off. Steps of a scope must come after every step of that scope
 * already walked (`follows`), or the answer would differ from walking them all at once.
 */
export class TaintTracker {
  readonly #sessions = new Map<string, SessionState>();
  readonly #spawns = new SpawnIndex();
  readonly #lastTime = new Map<string, number>();

  /** A tracker that goes on from a saved state (`save()`); undefined when it was saved by another version. */
  static resume(saved: SavedTaint): TaintTracker | undefined {
    if (saved?.version !== SAVED_TAINT_VERSION) return undefined;
    const tracker = new TaintTracker();
    for (const [key, taint, fetched, secretRead] of saved.sessions) tracker.#sessions.set(key, { key, taint, fetched: new Set(fetched), secretRead });
    const spawns = saved.spawns.map((s): PendingSpawn => ({ ...s, parent: tracker.#sessions.get(s.parent)! }));
    tracker.#spawns.restore(
      saved.byRun.map(([key, i]) => [key, spawns[i]!]),
      saved.recent.map(([scope, list]) => [scope, list.map((i) => spawns[i]!)]),
    );
    for (const [scope, time] of saved.lastTime) tracker.#lastTime.set(scope, time);
    return tracker;
  }

  /** Whether every step comes after all steps of its scope walked so far (ties count as before). */
  follows(steps: readonly Pick<TaintStep, "scope" | "time">[]): boolean {
    return steps.every((step) => step.time > (this.#lastTime.get(step.scope) ?? -Infinity));
  }

  /** The taint of every step, in input order; they are walked by time after those walked before. */
  track(steps: readonly TaintStep[]): StepTaint[] {
    const order = steps.map((_, i) => i).sort((a, b) => steps[a]!.time - steps[b]!.time || a - b);
    const out: StepTaint[] = new Array(steps.length);
    for (const i of order) {
      const step = steps[i]!;
      this.#lastTime.set(step.scope, Math.max(step.time, this.#lastTime.get(step.scope) ?? -Infinity));
      const key = sessionKey(step);
      let state = this.#sessions.get(key);
      if (state === undefined) {
        state = { taint: null, fetched: new Set(), secretRead: false, key };
        const parent = step.session === null ? undefined : this.#spawns.parentOf(step);
        if (parent) {
          parent.linked = true;
          const inherited = parent.parent;
          state.fetched = new Set(inherited.fetched);
          state.secretRead = inherited.secretRead;
          if (inherited.taint) {
            state.taint = { ...inherited.taint, via: `spawned by session ${parent.parentSession ?? "(unknown)"}, tainted by ${inherited.taint.via}` };
          }
        }
        this.#sessions.set(key, state);
      }
      out[i] = {
        tainted: state.taint !== null,
        taint_session: state.taint?.session ?? null,
        taint_at: state.taint?.at ?? null,
        taint_via: state.taint?.via ?? null,
        taint_blob: state.taint?.blob ?? null,
        taint_line: state.taint?.line ?? null,
        fetched_hosts: [...state.fetched],
        secret_read_before: state.secretRead,
      };
      for (const host of step.fetchedHosts) state.fetched.add(host.toLowerCase());
      if (step.readsSecret) state.secretRead = true;
      if (step.external && state.taint === null) {
        state.taint = { session: step.session, at: step.time, via: step.ref.what, blob: step.ref.blob, line: step.ref.line };
      }
      if (step.isSpawn) this.#spawns.add({ scope: step.scope, parent: state, parentSession: step.session, time: step.time, runId: step.spawnRunId, linked: false });
    }
    return out;
  }

  /** The state as JSON-able data, for `resume`. */
  save(): SavedTaint {
    const { byRun, recent } = this.#spawns.entries();
    const spawns = [...new Set([...byRun.map(([, s]) => s), ...recent.flatMap(([, list]) => list)])];
    const index = new Map(spawns.map((s, i) => [s, i]));
    return {
      version: SAVED_TAINT_VERSION,
      sessions: [...this.#sessions].map(([key, s]) => [key, s.taint, [...s.fetched], s.secretRead]),
      spawns: spawns.map((s) => ({ scope: s.scope, parent: s.parent.key, parentSession: s.parentSession, time: s.time, runId: s.runId, linked: s.linked })),
      byRun: byRun.map(([key, s]) => [key, index.get(s)!]),
      recent: recent.map(([scope, list]) => [scope, list.map((s) => index.get(s)!)]),
      lastTime: [...this.#lastTime],
    };
  }
}

const sessionKey = (step: TaintStep) => `${step.scope}\u0000${step.session ?? ""}`;

/**
 * The spawns seen so far, found without scanning them all: the first of each run id, and per scope
 * the ones within SPAWN_LINK_SECONDS of the step being walked (steps come in time order, so a spawn
 * older than that never qualifies again). A scan of every spawn for every new session was
 * quadratic: a month of a busy user's subagents is tens of thousands of both.
 */
class SpawnIndex {
  readonly #byRun = new Map<string, PendingSpawn>();
  readonly #recent = new Map<string, PendingSpawn[]>();

  add(spawn: PendingSpawn): void {
    const run = spawn.runId === null ? undefined : `${spawn.scope}\u0000${spawn.runId}`;
    if (run !== undefined && !this.#byRun.has(run)) this.#byRun.set(run, spawn);
    const recent = this.#recent.get(spawn.scope);
    if (recent === undefined) this.#recent.set(spawn.scope, [spawn]);
    else recent.push(spawn);
  }

  /** Every spawn it still keeps, by run id and by scope (for TaintTracker.save). */
  entries(): { byRun: Array<[string, PendingSpawn]>; recent: Array<[string, PendingSpawn[]]> } {
    return { byRun: [...this.#byRun], recent: [...this.#recent] };
  }

  /** Takes back what `entries` gave. */
  restore(byRun: Array<[string, PendingSpawn]>, recent: Array<[string, PendingSpawn[]]>): void {
    for (const [key, spawn] of byRun) this.#byRun.set(key, spawn);
    for (const [scope, list] of recent) this.#recent.set(scope, list);
  }

  /** The spawn a new session's first step belongs to: by run id, else the only open spawn of its scope within the window. */
  parentOf(step: TaintStep): PendingSpawn | undefined {
    if (step.runId !== null) {
      const byRun = this.#byRun.get(`${step.scope}\u0000${step.runId}`);
      if (byRun) return byRun;
    }
    const recent = this.#recent.get(step.scope);
    if (recent === undefined) return undefined;
    let expired = 0;
    while (expired < recent.length && step.time - recent[expired]!.time > SPAWN_LINK_SECONDS * 1000) expired++;
    if (expired > 0) recent.splice(0, expired);
    const open = recent.filter((s) => !s.linked && s.parentSession !== step.session && step.time >= s.time && step.time - s.time <= SPAWN_LINK_SECONDS * 1000);
    return open.length === 1 ? open[0] : undefined;
  }
}
