// Issue 20 for `oclog sas install`: every planted hostile token (test/hostile/corpus/sas/) and a
// seeded stream of mutations of the SDK's real field record go through installSas. Each is either
// refused with a typed error that names every reason in printable ASCII and never the signature,
// writing nothing, or installed with a state file that holds no signature.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import test from "ava";
import { OclogError, Sensitive } from "@oclog/errors";
import { installSas, InstallRefusedError, SasState, type FluentBitReloader } from "@oclog/sas";
import { Dice, hostileString, mutateRecord } from "../../../test/hostile/hostile-random.js";
import { DAY, FAKE_SIG, encodeValue, sdkFields } from "@oclog/test-kit/sas";

const CORPUS = fileURLToPath(new URL("../../../test/hostile/corpus/sas/", import.meta.url));
const CORPUS_NOW = new Date("2030-01-01T01:00:00Z");
const SIG_ELSEWHERE = /carries its signature \(or a sig=\) outside the sig parameter/;

/** Each corpus file and the reasons its refusal must give (all of them, in one error). */
const EXPECTED: Record<string, RegExp[]> = {
  "sig-in-path.url": [/has a URL path that is not \/<container> \(2 segment\(s\)/, SIG_ELSEWHERE, /names no container/],
  "sig-as-azurite-account.url": [/has a URL path that is not \/<account>\/<container>/, SIG_ELSEWHERE, /names no container/],
  "sig-in-fragment.url": [/has a fragment \(#\.\.\.\)/, SIG_ELSEWHERE],
  "sig-in-userinfo.url": [/has a user name or password before its host/, SIG_ELSEWHERE],
  "sig-twice.url": [/has sig= 2 times/, SIG_ELSEWHERE],
  "sig-name-percent-encoded.url": [/has a parameter named "%73ig": SAS parameter names are plain lowercase letters, never percent-encoded/, /has no signature \(sig\)/],
  "sig-double-encoded-in-si.url": [/has si= that is not a stored access policy id: \(it holds a signature, not shown\)/, SIG_ELSEWHERE],
  "sig-in-unknown-param.url": [/carries rscd=, which a blob SAS never has/, SIG_ELSEWHERE],
  "account-sas.sas": [/is an account SAS \(ss\/srt\)/, /names no container/],
  "http-allowed.url": [/allows https,http \(spr\): a shipping SAS must be https only/],
  "lifetime-30d.url": [/lives 30\.0 days, more than the 7-day policy/],
  "starts-in-future.url": [/starts at 2030-01-02T00:00:00\.000Z, 1380 minutes from now/],
  "oversize.url": [/is \d{4} characters long, more than the 2048 any SAS needs/],
  "osc52-in-sp-raw.sas": [/contains characters a SAS never has/, /has sp= that is not permission letters \(racwdxyltmeopi\): "cw\\u001b\]52;c;cm0gLXJmIH4=\\u0007"/, /names no container/],
  "bidi-in-skoid.url": [/has skoid= that is not an object id \(GUID\): "\\u202egnp\.exe"/],
  "c1-csi-in-sktid.url": [/has sktid= that is not a tenant id \(GUID\): "\\u009b31m\\u001b\]0;pwned\\u0007"/],
  "title-escape-in-container-raw.url": [/contains characters a SAS never has/, /has a URL path that is not \/<container>/, /names no container/],
};

/** Any 12 characters of the fake signature: not even a piece of it may show. */
const sigPieces = (sig: string) => Array.from({ length: sig.length - 11 }, (_, i) => sig.slice(i, i + 12));
const FAKE_PIECES = sigPieces(FAKE_SIG);
const holdsSignature = (text: string) => FAKE_PIECES.some((p) => text.includes(p) || text.includes(encodeURIComponent(p)));

// Refused tokens never get this far; accepted ones in the seeded run are installed with it. The
// reload itself is under test in sas.test.ts against a real Fluent Bit.
const reloadNotUnderTest: FluentBitReloader = { reload: async () => ({ method: "hot-reload", detail: "not under test" }) };
function installAt(root: string, text: string, now: Date, reloader = reloadNotUnderTest) {
  return installSas({
    sasUrl: new Sensitive(text),
    container: "oclog-alice",
    includePath: join(root, "etc/oclog-sas.yaml"),
    statePath: join(root, "run/sas-state.json"),
    renewCommand: "oclog sas rotate --vm alice",
    reloader,
    now,
  });
}

test("every planted file is in the table of expected reasons", (t) => {
  t.deepEqual(readdirSync(CORPUS).filter((f) => f !== "README.md").sort(), Object.keys(EXPECTED).sort());
});

for (const [file, reasons] of Object.entries(EXPECTED)) {
  test(`install refuses corpus/sas/${file} with every reason at once, writing nothing`, async (t) => {
    const root = mkdtempSync(join(tmpdir(), "oclog-sas-hostile-"));
    let reloads = 0;
    const counting: FluentBitReloader = { reload: async () => (reloads++, reloadNotUnderTest.reload()) };
    const error = await t.throwsAsync(installAt(root, readFileSync(join(CORPUS, file), "utf8"), CORPUS_NOW, counting), { instanceOf: InstallRefusedError });
    for (const reason of reasons) t.regex(error!.message, reason);
    t.regex(error!.message, /^[\x20-\x7e]*$/, "printable ASCII only: the message goes to a terminal");
    t.false(holdsSignature(error!.message), "the signature is never in the message");
    t.is((error as InstallRefusedError).hint?.includes("oclog sas issue"), true, "says what to do next");
    t.false(existsSync(join(root, "run/sas-state.json")));
    t.false(existsSync(join(root, "etc/oclog-sas.yaml")));
    t.is(reloads, 0, "no reload asked");
  });
}

/** A field value as query text: a deep nest overflows JSON.stringify, so it becomes its own brackets. */
function asText(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return "{\"a\":".repeat(5_000);
  }
}

/** A token from a field record, sometimes as a URL with the signature planted somewhere else too. */
function serialize(dice: Dice, record: Record<string, unknown>): string {
  const query = Object.entries(record)
    .map(([name, value]) => `${name}=${encodeValue(asText(value))}`)
    .join("&");
  const sig = encodeURIComponent(FAKE_SIG);
  return dice.pick([
    `https://acmelogs.blob.core.windows.net/oclog-alice?${query}`,
    `http://127.0.0.1:10000/devstoreaccount1/oclog-alice?${query}`,
    query,
    `https://acmelogs.blob.core.windows.net/oclog-alice/${sig}?${query}`,
    `http://127.0.0.1:10000/${sig}/oclog-alice?${query}`,
    `https://acmelogs.blob.core.windows.net/oclog-alice?${query}#${dice.pick(["sig=", ""])}${sig}`,
    `https://u:${sig}@acmelogs.blob.core.windows.net/oclog-alice?${query}`,
    `https://acmelogs.blob.core.windows.net/oclog-alice?${query}&${dice.pick(["sig", "%73ig", "%2573ig", "si"])}=${dice.pick([sig, `x${sig}`, encodeURIComponent(`sig=${FAKE_SIG}`)])}`,
  ]);
}

test("seeded mutations of a real token: each is refused cleanly or installed without its signature in the state", async (t) => {
  const now = new Date();
  const base = Object.fromEntries(sdkFields(now));
  const outcomes = { refused: 0, unparsable: 0, installed: 0 };
  for (let i = 0; i < 300; i++) {
    const seed = `sas-install-${i}`;
    const dice = new Dice(seed);
    const record = dice.chance(0.15) ? base : (mutateRecord(dice, base) as Record<string, unknown>);
    let text = serialize(dice, record);
    // Sometimes a hostile string right in the token text, unencoded.
    if (dice.chance(0.2)) text = hostileString(dice, text);
    const root = mkdtempSync(join(tmpdir(), "oclog-sas-fuzz-"));
    try {
      const result = await installAt(root, text, now);
      outcomes.installed++;
      const stateText = readFileSync(join(root, "run/sas-state.json"), "utf8");
      t.false(holdsSignature(stateText), `seed ${seed}: no signature in the state file`);
      t.true(SasState.safeParse(JSON.parse(stateText)).success, `seed ${seed}`);
      t.is(result.state.container, "oclog-alice", `seed ${seed}`);
    } catch (error) {
      t.true(error instanceof OclogError, `seed ${seed}: a typed error, not ${String(error).slice(0, 200)}`);
      const message = (error as Error).message;
      if (error instanceof InstallRefusedError) outcomes.refused++;
      else outcomes.unparsable++;
      t.regex(message, /^[\x20-\x7e]*$/, `seed ${seed}: printable ASCII only`);
      t.false(holdsSignature(message), `seed ${seed}: the signature is never in the message`);
      t.false(existsSync(join(root, "run/sas-state.json")), `seed ${seed}: nothing written`);
    }
  }
  t.log(`300 seeded tokens: ${outcomes.refused} refused, ${outcomes.unparsable} not a SAS, ${outcomes.installed} installed`);
  t.true(outcomes.installed > 0 && outcomes.refused > 0, "the run covers both outcomes");
});

test("a clean token installs: the state holds whitelisted fields only, never the signature", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "oclog-sas-clean-"));
  const now = new Date();
  const fields = sdkFields(now, { lifetimeMs: 2 * DAY });
  const result = await installAt(root, `https://acmelogs.blob.core.windows.net/oclog-alice?${fields.map(([n, v]) => `${n}=${encodeValue(v)}`).join("&")}`, now);
  const state = JSON.parse(readFileSync(join(root, "run/sas-state.json"), "utf8")) as Record<string, unknown>;
  t.deepEqual(Object.keys(state).sort(), ["account", "container", "expires_at", "fingerprint", "installed_at", "issued_at", "permissions", "renew_command", "shipping", "version"]);
  t.like(state, { account: "acmelogs", container: "oclog-alice", permissions: "cw" });
  t.false(holdsSignature(JSON.stringify(state)));
  t.deepEqual(result.warnings, []);
  t.true(readFileSync(join(root, "etc/oclog-sas.yaml"), "utf8").includes(encodeURIComponent(FAKE_SIG)), "the include (0640) is where the token goes");
});
