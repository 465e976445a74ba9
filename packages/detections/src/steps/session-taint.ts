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

interface SessionState {
  taint: { session: string | null; at: number; via: string; blob: string | null; line: number | null } | null;
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
  const order = steps.map((_, i) => i).sort((a, b) => steps[a]!.time - steps[b]!.time || a - b);
  const sessions = new Map<string, SessionState>();
  const spawns = new SpawnIndex();
  const out: StepTaint[] = new Array(steps.length);
  for (const i of order) {
    const step = steps[i]!;
    const key = `${step.scope}\u0000${step.session ?? ""}`;
    let state = sessions.get(key);
    if (state === undefined) {
      state = { taint: null, fetched: new Set(), secretRead: false };
      const parent = step.session === null ? undefined : spawns.parentOf(step);
      if (parent) {
        parent.linked = true;
        const inherited = parent.parent;
        state.fetched = new Set(inherited.fetched);
        state.secretRead = inherited.secretRead;
        if (inherited.taint) {
          state.taint = { ...inherited.taint, via: `spawned by session ${parent.parentSession ?? "(unknown)"}, tainted by ${inherited.taint.via}` };
        }
      }
      sessions.set(key, state);
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
    if (step.isSpawn) spawns.add({ scope: step.scope, parent: state, parentSession: step.session, time: step.time, runId: step.spawnRunId, linked: false });
  }
  return out;
}

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
