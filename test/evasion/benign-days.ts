/**
 * Benign developer days: a few chores (benign-chores.ts), minutes apart, in one session. The
 * first days are the three flagged workflows on their own (the README one twice: read from disk, fetched from the forge), so each stays visible in the
 * numbers; the rest draw chores by seed.
 */
import type { BenignDay, ToolStep } from "./corpus-types.js";
import { CHORES, docsThenRegistry, fetchedReadmeTestPush, readmeTestPush, sshConfigDebug, type Chore } from "./benign-chores.js";
import { seededRandom, type SeededRandom } from "./seeded-random.js";

export const BENIGN_DAY_COUNT = 24;

export function benignDays(seed: number, count = BENIGN_DAY_COUNT): BenignDay[] {
  // Its own stream, so adding an attack variant does not change the benign days.
  const r = seededRandom(seed ^ 0x5eed_be9);
  const days: BenignDay[] = [];
  const reported = [docsThenRegistry, sshConfigDebug, readmeTestPush, fetchedReadmeTestPush];
  for (let index = 0; index < count; index++) {
    const chores = index < reported.length ? [reported[index]!(r)] : Array.from({ length: r.int(3, 6) }, () => r.pick(CHORES)(r));
    days.push(dayOf(r, `benign/day-${String(index + 1).padStart(2, "0")}`, chores));
  }
  return days;
}

function dayOf(r: SeededRandom, id: string, chores: Chore[]): BenignDay {
  const steps: ToolStep[] = [];
  let at = 0;
  for (const chore of chores) {
    for (const spec of chore.steps) {
      steps.push({ tool: spec.tool, args: spec.args, result: spec.result, resultOutcome: spec.resultOutcome ?? "success", atSeconds: at, session: "main", role: "benign" });
      at += r.int(10, 90);
    }
    at += r.int(2 * 60, 30 * 60);
  }
  return { id, summary: chores.map((c) => c.name).join(", "), steps };
}
