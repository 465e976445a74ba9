// The shipping-SAS policy, pure: each refusal alone, all of them at once, and the edges that are
// not refusals (clock skew, a local emulator over http). Tokens are the SDK's real field record
// with a fake signature (@oclog/test-kit/sas); no storage service is needed.
import test from "ava";
import { checkShippingSas, MAX_SAS_CHARS, parseSas, SasParseError, SKEW_ALLOWANCE_MS } from "@oclog/sas";
import { ACCOUNT_URL, DAY, FAKE_SIG, sdkFields, tokenOf, urlOf, withField, type SasFields } from "@oclog/test-kit/sas";

const NOW = new Date("2026-12-05T12:00:00Z");
const findings = (fields: SasFields | string, now = NOW) => checkShippingSas(parseSas(typeof fields === "string" ? fields : urlOf(fields)), now, "oclog-alice");
const refusals = (fields: SasFields | string, now = NOW) => findings(fields, now).filter((f) => f.level === "refuse").map((f) => f.message);

test("the SDK's own https-only, 7-day, write-only container SAS has no findings at all", (t) => {
  t.deepEqual(findings(sdkFields(NOW)), []);
  const sas = parseSas(urlOf(sdkFields(NOW)));
  t.like(sas, { account: "acmelogs", container: "oclog-alice", permissions: "cw", protocol: "https", resource: "c", problems: [] });
  t.is(sas.userDelegation?.objectId, "11111111-2222-3333-4444-555555555555");
});

test("an account SAS is refused, and says why", (t) => {
  const account = withField(withField(withField(sdkFields(NOW), "sr", undefined), "ss", "b"), "srt", "co");
  t.deepEqual(refusals(account), ["is an account SAS (ss/srt): it opens every container of the account; a shipping SAS is a container SAS (sr=c)"]);
});

test("a lifetime over 7 days is refused; 7 days from a start backdated 5 minutes is not", (t) => {
  t.deepEqual(refusals(sdkFields(NOW, { lifetimeMs: 8 * DAY })), ["lives 8.0 days, more than the 7-day policy (a stolen token must lapse within a week)"]);
  t.deepEqual(refusals(sdkFields(NOW, { lifetimeMs: 7 * DAY })), []);
  // Without st the lifetime runs from now.
  t.deepEqual(refusals(withField(sdkFields(NOW, { lifetimeMs: 9 * DAY }), "st", undefined)), ["lives 9.0 days, more than the 7-day policy (a stolen token must lapse within a week)"]);
});

test("spr allowing http is refused against Azure, a warning only against a local emulator, and a missing spr is a warning", (t) => {
  for (const spr of ["https,http", "http,https", "http"]) {
    t.deepEqual(refusals(withField(sdkFields(NOW), "spr", spr)), [`allows ${spr} (spr): a shipping SAS must be https only, or the token and the logs can cross the network in clear`]);
  }
  const azurite = findings(urlOf(withField(sdkFields(NOW), "spr", "https,http"), "http://127.0.0.1:10000/devstoreaccount1/oclog-alice"));
  t.deepEqual(azurite.map((f) => f.level), ["warn"]);
  // A loopback name is not enough: Azure over plain http to a look-alike host is still refused.
  t.is(refusals(urlOf(withField(sdkFields(NOW), "spr", "https,http"), "http://127.0.0.1.evil.example/devstoreaccount1/oclog-alice")).length, 1);
  t.deepEqual(findings(withField(sdkFields(NOW), "spr", undefined)), [{ level: "warn", message: "names no protocol (spr): Azure then accepts plain http too; issue it https only" }]);
});

test("a start in the future beyond the clock-skew allowance is refused; within it is not", (t) => {
  const later = new Date(NOW.getTime() + 60 * 60_000);
  const startsLater = withField(sdkFields(NOW), "st", later.toISOString().replace(/\.000Z$/, "Z"));
  t.deepEqual(refusals(startsLater), [`starts at ${later.toISOString()}, 60 minutes from now: until then Azure refuses every write (more than 15 minutes of clock skew)`]);
  const skewed = new Date(NOW.getTime() + SKEW_ALLOWANCE_MS - 60_000).toISOString();
  t.deepEqual(refusals(withField(sdkFields(NOW), "st", skewed)), []);
});

test("a token over a sane size is refused", (t) => {
  // Empty pairs carry nothing but length: the size is the only thing wrong.
  const padded = `${urlOf(sdkFields(NOW))}${"&".repeat(MAX_SAS_CHARS)}`;
  const messages = refusals(padded);
  t.is(messages.length, 1);
  t.regex(messages[0]!, /^is \d+ characters long, more than the 2048 any SAS needs/);
  t.deepEqual(refusals(`${urlOf(sdkFields(NOW))}${"&".repeat(MAX_SAS_CHARS - urlOf(sdkFields(NOW)).length)}`), [], "exactly at the limit is fine");
});

test("every refusal is reported at once, not just the first", (t) => {
  let fields = sdkFields(NOW, { lifetimeMs: 30 * DAY, permissions: "racwdl" });
  fields = withField(withField(withField(fields, "sr", undefined), "ss", "b"), "srt", "co");
  fields = withField(fields, "spr", "https,http");
  fields = withField(fields, "st", "2026-12-06T12:00:00Z");
  const messages = refusals(`${urlOf(fields, `${ACCOUNT_URL}/oclog-bob`)}${"&".repeat(MAX_SAS_CHARS)}`);
  const expected = [/^is \d+ characters long/, /^grants more than write-only: rdl/, /^is an account SAS/, /^allows https,http \(spr\)/, /^starts at 2026-12-06T12:00:00\.000Z, 1440 minutes from now/, /^lives 29\.0 days/, /^is for container oclog-bob, not oclog-alice/];
  t.is(messages.length, expected.length, messages.join("\n"));
  expected.forEach((pattern, i) => t.regex(messages[i]!, pattern));
});

test("a malformed field is refused naming the field, its value escaped and the signature never shown", (t) => {
  const bad = withField(withField(sdkFields(NOW), "sp", "cw\x1b]52;c;cm0gLXJmIH4=\x07"), "sig", `${FAKE_SIG}\u202e`);
  const messages = refusals(bad);
  t.true(messages.includes('has sp= that is not permission letters (racwdxyltmeopi): "cw\\u001b]52;c;cm0gLXJmIH4=\\u0007"'), messages.join("\n"));
  t.true(messages.includes(`has sig= that is not a base64 signature: (${FAKE_SIG.length + 1} characters, not shown)`));
  t.false(messages.join("\n").includes(FAKE_SIG.slice(0, 12)));
  // Only printable ASCII in any message: a finding goes to a terminal.
  t.true(messages.every((m) => /^[\x20-\x7e]*$/.test(m)));
});

test("a bare token is checked the same way; it names no container, which install refuses", (t) => {
  t.deepEqual(refusals(tokenOf(sdkFields(NOW))), ["names no container: pass the container SAS URL so the container can be checked"]);
  t.deepEqual(checkShippingSas(parseSas(`?${tokenOf(sdkFields(NOW))}`), NOW), [], "inspect alone has nothing to say about it");
});

test("a token with no usable expiry is not a SAS, and the error still lists every other problem", (t) => {
  const broken = withField(withField(withField(sdkFields(NOW), "se", "tomorrow\x1b[2J"), "st", "2026-13-45"), "sig", undefined);
  const error = t.throws(() => parseSas(urlOf(broken)), { instanceOf: SasParseError });
  t.regex(error!.message, /^this is not a usable SAS: its expiry \(se\) is not a time; /);
  t.regex(error!.message, /it has st= that is not an ISO 8601 UTC time: "2026-13-45"/);
  t.regex(error!.message, /it has se= that is not an ISO 8601 UTC time: "tomorrow\\u001b\[2J"/);
  t.regex(error!.message, /^[\x20-\x7e]*$/);
  t.is(error!.exitCode, 2, "exit 2: not a SAS");
});
