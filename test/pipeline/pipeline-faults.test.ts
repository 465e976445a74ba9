// Faults under real Fluent Bit 5.1.1 running the checked-in pipeline against Azurite over HTTPS
// (shipping-rig.ts), each counting the lines written against the records in blobs: lost and
// duplicated. The lines are real gateway log lines from a captured OpenClaw run, appended at a
// steady rate by a writer process (gateway-log-writer.ts) so that a fault lands mid-stream at a
// known point; the live gateway feeds the end-to-end test (pipeline-e2e.test.ts) instead.
// Each test has its own Fluent Bit, Azurite and ports, and the tests run side by side; the 60 s
// outage is the only long wait, everything else polls for a condition with a deadline.
import test, { type ExecutionContext } from "ava";
import { countLines, startLogWriter, type LineCount, type LogWriter } from "./line-count.js";
import { runOclog, oclogArgv } from "./oclog-child.js";
import { ShippingRig, waitFor } from "./shipping-rig.js";
import { join } from "node:path";

const RATE = 25;

/** Waits until every written line is in a blob (or the deadline), then counts. */
async function drained(rig: ShippingRig, writer: LogWriter, timeoutMs: number): Promise<LineCount> {
  await writer.done;
  let last: LineCount | undefined;
  try {
    return await waitFor("every written line in a blob", timeoutMs, async () => {
      last = countLines(writer.lines, await rig.shipped());
      return last.lost === 0 ? last : undefined;
    }, 1_000);
  } catch (error) {
    throw new Error(`${(error as Error).message}: ${JSON.stringify(last)}`);
  }
}

/** Uploads the blob output tried and must try again (a refused SAS is retried, never dropped). */
async function failedTries(rig: ShippingRig): Promise<number> {
  const counters = await rig.shipCounters();
  return counters.retries! + counters.errors!;
}

/** Waits for every written line, reports the counts, and asserts none lost and none twice. */
async function shippedExactlyOnce(t: ExecutionContext, rig: ShippingRig, writer: LogWriter, timeoutMs: number): Promise<LineCount> {
  const count = await drained(rig, writer, timeoutMs);
  report(t, rig, count);
  t.is(count.lost, 0);
  t.is(count.duplicated, 0);
  return count;
}

function report(t: ExecutionContext, rig: ShippingRig, count: LineCount): void {
  t.log(`lines written ${count.written}, records in blobs ${count.inBlobs}, lost ${count.lost}, duplicated ${count.duplicated}`);
  for (const [line, n] of rig.problems()) t.log(`fluent-bit x${n}: ${line}`);
}

/** Runs `body` with a fresh rig and a way to start writers into its gateway log directory; both end with the test. */
async function withRig(t: ExecutionContext, options: Parameters<typeof ShippingRig.start>[0], body: (rig: ShippingRig, write: (o: { t0: number; count: number }) => LogWriter) => Promise<void>): Promise<void> {
  t.timeout(300_000);
  const rig = await ShippingRig.start(options);
  const writers: LogWriter[] = [];
  try {
    await body(rig, (o) => {
      const writer = startLogWriter(rig.paths.gatewayLogs, { ...o, rate: RATE });
      writers.push(writer);
      return writer;
    });
  } catch (error) {
    // What Fluent Bit complained about is the first thing a failure here needs.
    for (const [line, n] of rig.problems()) t.log(`fluent-bit x${n}: ${line}`);
    throw error;
  } finally {
    for (const writer of writers) writer.stop();
    await rig.close();
  }
}

test("Azurite stopped for 60 s mid-stream: nothing lost; oclog guard marks shipping failing during the outage and ok after", async (t) => {
  await withRig(t, {}, async (rig, write) => {
    const guard = async () => {
      const result = await runOclog(["guard", "--state-file", rig.paths.sasState, "--metrics-url", `${rig.fluentBit.httpUrl}/api/v1/metrics`, "--history", join(rig.dir, "guard-history.json"), "--failing-after", "20s", "--json"]);
      return JSON.parse(result.stdout) as { shipping: string; reason: string; exit_code: number };
    };
    const writer = write({ t0: Date.now(), count: RATE * 95 });
    await writer.reached(RATE * 10);
    t.is((await guard()).shipping, "unknown", "the guard's first run only takes a baseline");
    await waitFor("a delivery before the outage", 30_000, async () => ((await rig.shipCounters()).proc_records! > 0 ? true : undefined));
    t.is((await guard()).shipping, "ok");

    await rig.stopAzurite();
    const stoppedAt = Date.now();
    const verdictOf = (shipping: string, timeoutMs: number) =>
      waitFor(`oclog guard to mark shipping ${shipping}`, timeoutMs, async () => {
        const verdict = await guard();
        return verdict.shipping === shipping ? verdict : undefined;
      }, 2_000);
    const failing = await verdictOf("failing", 55_000);
    t.regex(failing.reason, /ship delivered nothing for .* while failing to send/);
    t.is(failing.exit_code, 1);
    // The outage lasts its full minute whatever the guard needed to notice it.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 60_000 - (Date.now() - stoppedAt))));
    await rig.startAzurite();

    const recovered = await verdictOf("ok", 60_000);
    t.regex(recovered.reason, /^deliveries resumed: /);
    await shippedExactlyOnce(t, rig, writer, 90_000);
  });
});

test("SAS rotation mid-stream through oclog sas rotate --transport local: hot reload, nothing lost", async (t) => {
  await withRig(t, {}, async (rig, write) => {
    const writer = write({ t0: Date.now(), count: RATE * 20 });
    await writer.reached(RATE * 8);
    const before = await rig.reloadCount();
    const rotate = await runOclog(
      ["sas", "rotate", "--vm", "alice", "--transport", "local", "--state-file", rig.paths.sasState, "--install-command", oclogArgv(rig.installArgs()).join(" "), "--threshold", "2h", "--lifetime", "3h", "--lock", join(rig.dir, "rotate.lock"), "--json"],
      { env: rig.oclogEnv },
    );
    t.is(rotate.code, 0, rotate.stderr);
    const result = JSON.parse(rotate.stdout) as { action: string; fingerprint: string };
    t.is(result.action, "rotated");
    t.is(await rig.reloadCount(), before + 1, "one hot reload, no restart");
    t.false(rotate.stdout.includes("sig="), "the token is never printed");
    t.false(rotate.stderr.includes("sig="));
    await shippedExactlyOnce(t, rig, writer, 60_000);
  });
});

test("a SAS that expires mid-stream, then a fresh one: oclog sas install's hot reload finishes (no restart), nothing lost", async (t) => {
  await withRig(t, {}, async (rig, write) => {
    // The short SAS must still be valid when `oclog sas install` checks it. On a loaded machine
    // the CLI alone took over 12 s to get there once (a fresh clone's run refused it as expired),
    // so its lead is twice a real install timed first, and at least 12 s.
    const timed = Date.now();
    t.is((await rig.installSas(rig.sasUrl())).reload.method, "hot-reload");
    const leadSeconds = Math.max(12, Math.ceil((2 * (Date.now() - timed)) / 1000));
    const expiresAt = new Date(Math.ceil((Date.now() + leadSeconds * 1000) / 1000) * 1000);
    const short = await rig.installSas(rig.sasUrl({ expiresOn: expiresAt }));
    t.is(short.reload.method, "hot-reload");
    const writer = write({ t0: Date.now(), count: RATE * (leadSeconds + 23) });
    // Expired and refused: uploads fail with 403 while the writer goes on.
    await waitFor("uploads refused after the SAS expired", leadSeconds * 1000 + 48_000, async () => (Date.now() > expiresAt.getTime() && (await failedTries(rig)) > 0 ? true : undefined));
    const refusedAt = (await rig.shipped()).length;
    await writer.reached(RATE * (leadSeconds + 8));
    const started = Date.now();
    const fresh = await rig.installSas(rig.sasUrl());
    const tookMs = Date.now() - started;
    t.is(fresh.reload.method, "hot-reload", fresh.reload.detail);
    t.log(`install with a fresh SAS: ${fresh.reload.detail}, whole install ${(tookMs / 1000).toFixed(1)} s`);
    t.true(tookMs < 30_000, "the reload does not wait out a long grace");
    const count = await shippedExactlyOnce(t, rig, writer, 60_000);
    t.true(refusedAt < count.inBlobs, "records refused while expired arrived after the new SAS");
  });
});

test("Fluent Bit killed with SIGKILL mid-stream and started again: nothing lost (storage.checksum off)", async (t) => {
  await withRig(t, {}, async (rig, write) => {
    const writer = write({ t0: Date.now(), count: RATE * 24 });
    await waitFor("a first delivery", 30_000, async () => ((await rig.shipped()).length > 0 ? true : undefined));
    await writer.reached(RATE * 9);
    await rig.fluentBit.kill();
    t.is((await rig.fluentBit.exited).signal, "SIGKILL");
    await writer.reached(RATE * 12);
    await rig.restartFluentBit();
    const count = await drained(rig, writer, 60_000);
    report(t, rig, count);
    t.is(count.lost, 0);
    t.log(`duplicated after the crash: ${count.duplicated} (a chunk uploaded but not yet marked done is sent again)`);
    t.true(count.duplicated <= RATE * 24, "at most the chunks in flight are sent twice");
  });
});

test("the gateway log rolls over to the next day's file: its lines are picked up within seconds, nothing lost", async (t) => {
  await withRig(t, {}, async (rig, write) => {
    const count = RATE * 16;
    // Line times cross midnight UTC halfway, so the writer moves to openclaw-<next day>.log there.
    const midnight = Math.ceil(Date.now() / 86_400_000) * 86_400_000;
    const writer = write({ t0: midnight - count / 2, count });
    const firstOfNextDay = writer.lines[count / 2]!;
    t.regex(firstOfNextDay, new RegExp(`"time":"${new Date(midnight).toISOString().slice(0, 10)}T00:00:00.000\\+00:00"`));
    await writer.reached(count / 2 + 1);
    const rolledAt = Date.now();
    await waitFor("the next day's first line in a blob", 25_000, async () => ((await rig.shipped()).some(({ record }) => record.log === firstOfNextDay) ? true : undefined), 500);
    t.log(`the next day's file reached a blob ${((Date.now() - rolledAt) / 1000).toFixed(1)} s after its first line was written (tail refresh_interval 5 s, flush 5 s)`);
    await shippedExactlyOnce(t, rig, writer, 60_000);
    const files = new Set((await rig.shipped()).map(({ record }) => String(record.oclog_path).split("/").at(-1)));
    t.deepEqual([...files].sort(), [new Date(midnight - 1).toISOString().slice(0, 10), new Date(midnight).toISOString().slice(0, 10)].map((day) => `openclaw-${day}.log`));
  });
});

test("a new VM's placeholder SAS: Fluent Bit starts, keeps every record on disk, and the first oclog sas install ships them all", async (t) => {
  await withRig(t, { placeholderOnly: true }, async (rig, write) => {
    const writer = write({ t0: Date.now(), count: RATE * 12 });
    await waitFor("uploads refused with the placeholder", 60_000, async () => ((await failedTries(rig)) > 0 ? true : undefined));
    await writer.reached(RATE * 8);
    t.is((await rig.shipped()).length, 0, "nothing reaches Azure with the placeholder");
    t.is(await Promise.race([rig.fluentBit.exited.then(() => "exited"), Promise.resolve("running")]), "running");
    const installed = await rig.installSas(rig.sasUrl());
    t.is(installed.reload.method, "hot-reload", installed.reload.detail);
    await shippedExactlyOnce(t, rig, writer, 60_000);
  });
});
