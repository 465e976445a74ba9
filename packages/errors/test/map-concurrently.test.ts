import test from "ava";
import { mapConcurrently } from "@oclog/errors";

/** A job that finishes when the test says so, so finishing order is chosen, not timed. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

test("results keep the items' order when the jobs finish in reverse", async (t) => {
  const gates = [gate(), gate(), gate(), gate(), gate()];
  const finished: number[] = [];
  const running = mapConcurrently([0, 1, 2, 3, 4], 5, async (item) => {
    await gates[item]!.promise;
    finished.push(item);
    return `item ${item}`;
  });
  for (const g of [...gates].reverse()) {
    g.open();
    await Promise.resolve();
  }
  t.deepEqual(await running, ["item 0", "item 1", "item 2", "item 3", "item 4"]);
  t.deepEqual(finished, [4, 3, 2, 1, 0]);
});

test("never more than the limit in flight, and every item runs once", async (t) => {
  let inFlight = 0;
  let most = 0;
  const seen: number[] = [];
  const results = await mapConcurrently(Array.from({ length: 40 }, (_, i) => i), 3, async (item, index) => {
    inFlight++;
    most = Math.max(most, inFlight);
    seen.push(index);
    // Finish after a varying number of turns, so the workers interleave.
    for (let turn = 0; turn < item % 4; turn++) await Promise.resolve();
    inFlight--;
    return item * 2;
  });
  t.is(most, 3);
  t.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i));
  t.deepEqual(results, Array.from({ length: 40 }, (_, i) => i * 2));
});

test("no items: no job runs and the result is empty; a limit below one still runs them", async (t) => {
  t.deepEqual(await mapConcurrently([], 4, async () => t.fail("ran a job for no item")), []);
  t.deepEqual(await mapConcurrently(["a", "b"], 0, async (item) => item.toUpperCase()), ["A", "B"]);
});

test("a job that throws rejects the call with its error", async (t) => {
  const error = await t.throwsAsync(mapConcurrently([1, 2, 3], 2, async (item) => {
    if (item === 2) throw new Error("job 2 failed");
    return item;
  }));
  t.is(error?.message, "job 2 failed");
});
