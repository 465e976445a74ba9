// --since / --until parsing: ISO 8601 with and without zone (read in --tz), bare dates,
// relative ages from an injected now, and errors that name the flag.
import test from "ava";
import { UsageError } from "@oclog/errors";
import { assertTimeZone, formatInZone, parseTimeArg, parseTimeWindow } from "../src/time-window.js";

const now = new Date("2026-11-25T12:00:00.000Z");
const iso = (d: Date | undefined) => d?.toISOString();

test("ISO 8601 with a zone is taken as written", (t) => {
  t.is(iso(parseTimeArg("2026-11-25T08:00:00Z", "--since")), "2026-11-25T08:00:00.000Z");
  t.is(iso(parseTimeArg("2026-11-25T09:00:00+01:00", "--since")), "2026-11-25T08:00:00.000Z");
  t.is(iso(parseTimeArg("2026-11-25T09:00+0100", "--since")), "2026-11-25T08:00:00.000Z");
  t.is(iso(parseTimeArg("2026-11-25T03:00-05", "--since")), "2026-11-25T08:00:00.000Z");
  t.is(iso(parseTimeArg("2026-11-25T08:00:00.123456Z", "--since")), "2026-11-25T08:00:00.123Z");
  t.is(iso(parseTimeArg("2026-11-25 08:00:00z", "--since")), "2026-11-25T08:00:00.000Z");
  // A zone given in the value wins over --tz.
  t.is(iso(parseTimeArg("2026-11-25T08:00:00Z", "--since", { tz: "Asia/Tokyo" })), "2026-11-25T08:00:00.000Z");
});

test("zone-less values and bare dates are read in --tz, else UTC", (t) => {
  t.is(iso(parseTimeArg("2026-11-25", "--since")), "2026-11-25T00:00:00.000Z");
  t.is(iso(parseTimeArg("2026-11-25T08:30", "--since")), "2026-11-25T08:30:00.000Z");
  t.is(iso(parseTimeArg("2026-11-25", "--since", { tz: "Europe/Berlin" })), "2026-11-24T23:00:00.000Z");
  t.is(iso(parseTimeArg("2026-07-01T10:00", "--since", { tz: "Europe/Berlin" })), "2026-07-01T08:00:00.000Z");
  t.is(iso(parseTimeArg("2026-11-25T10:00", "--since", { tz: "America/New_York" })), "2026-11-25T15:00:00.000Z");
  t.is(iso(parseTimeArg("2026-11-25T10:00", "--since", { tz: "Asia/Kolkata" })), "2026-11-25T04:30:00.000Z");
});

test("DST edges in --tz: a gap moves forward, an overlap takes the earlier instant", (t) => {
  // Europe/Berlin 2026-03-29 02:00 -> 03:00 (no 02:30 that day).
  t.is(iso(parseTimeArg("2026-03-29T02:30", "--since", { tz: "Europe/Berlin" })), "2026-03-29T01:30:00.000Z");
  // 2026-10-25 03:00 -> 02:00 (02:30 happens twice: +02:00 first).
  t.is(iso(parseTimeArg("2026-10-25T02:30", "--since", { tz: "Europe/Berlin" })), "2026-10-25T00:30:00.000Z");
  t.is(iso(parseTimeArg("2026-10-25T01:59:59", "--since", { tz: "Europe/Berlin" })), "2026-10-24T23:59:59.000Z");
  t.is(iso(parseTimeArg("2026-10-25T03:00", "--since", { tz: "Europe/Berlin" })), "2026-10-25T02:00:00.000Z");
});

test("relative ages count back from now", (t) => {
  t.is(iso(parseTimeArg("90m", "--since", { now })), "2026-11-25T10:30:00.000Z");
  t.is(iso(parseTimeArg("36h", "--since", { now })), "2026-11-24T00:00:00.000Z");
  t.is(iso(parseTimeArg("7d", "--since", { now })), "2026-11-18T12:00:00.000Z");
  t.is(iso(parseTimeArg("2w", "--since", { now })), "2026-11-11T12:00:00.000Z");
  t.is(iso(parseTimeArg(" 0d ", "--since", { now })), now.toISOString());
  t.is(iso(parseTimeArg("7d\n", "--since", { now })), "2026-11-18T12:00:00.000Z", "surrounding whitespace is trimmed");
  t.is(iso(parseTimeArg("now", "--until", { now })), now.toISOString());
});

test("garbage is a UsageError naming the flag, with the value shown safely and a hint", (t) => {
  for (const value of ["", "yesterday", "7", "7 d", "-7d", "7y", "1.5h", "2026-13-01", "2026-02-30", "2026-11-25T24:00", "2026-11-25T08:00+19:00", "25/11/2026", "2026-11-25T08:00:00Zjunk", "99999999999999d", "7d; rm -rf /"]) {
    const error = t.throws(() => parseTimeArg(value, "--until", { now }), { instanceOf: UsageError }, JSON.stringify(value));
    t.true(error.message.startsWith("--until: cannot read "), error.message);
    t.regex(error.hint ?? "", /ISO 8601.*7d/);
    t.false(error.message.includes("\n"), "the message stays on one line");
  }
});

test("the window: both ends, one end, none; since after until is refused naming both flags", (t) => {
  t.deepEqual(parseTimeWindow({ now }), {});
  t.deepEqual(parseTimeWindow({ since: "7d", now }), { since: new Date("2026-11-18T12:00:00.000Z") });
  t.deepEqual(parseTimeWindow({ since: "2d", until: "1d", now }), {
    since: new Date("2026-11-23T12:00:00.000Z"),
    until: new Date("2026-11-24T12:00:00.000Z"),
  });
  t.deepEqual(parseTimeWindow({ since: "2026-11-25T08:00Z", until: "2026-11-25T08:00Z" }), {
    since: new Date("2026-11-25T08:00:00Z"),
    until: new Date("2026-11-25T08:00:00Z"),
  });
  const error = t.throws(() => parseTimeWindow({ since: "1d", until: "7d", now }), { instanceOf: UsageError });
  t.regex(error.message, /^--since \(2026-11-24T12:00:00\.000Z\) is after --until \(2026-11-18T12:00:00\.000Z\)/);
  t.regex(error.hint ?? "", /before now/);
  const bad = t.throws(() => parseTimeWindow({ since: "7d", until: "soon", now }), { instanceOf: UsageError });
  t.regex(bad.message, /^--until:/);
  t.deepEqual(parseTimeWindow({ since: "2026-11-25", tz: "Europe/Berlin" }), { since: new Date("2026-11-24T23:00:00Z") });
});

test("time zones are validated, with an example in the hint", (t) => {
  t.is(assertTimeZone("Europe/Berlin"), "Europe/Berlin");
  t.is(assertTimeZone("UTC"), "UTC");
  for (const tz of ["Europe/Berlinn", "", "Mars/Olympus", "../etc/passwd", "UTC\n", "Europe/Berlin; id"]) {
    const error = t.throws(() => assertTimeZone(tz), { instanceOf: UsageError });
    t.true(error.message.startsWith("--tz: unknown time zone "));
    t.regex(error.hint ?? "", /Europe\/Berlin/);
  }
  t.throws(() => parseTimeWindow({ since: "7d", tz: "Nowhere/Land" }), { instanceOf: UsageError, message: /^--tz:/ });
  t.throws(() => formatInZone(now, "Nowhere/Land"), { instanceOf: UsageError });
});

test("formatInZone shows wall time and offset in the zone", (t) => {
  const upload = new Date("2026-11-25T08:55:16.802Z");
  t.is(formatInZone(upload, "UTC"), "2026-11-25 08:55:16 +00:00");
  t.is(formatInZone(upload, "Europe/Berlin"), "2026-11-25 09:55:16 +01:00");
  t.is(formatInZone(new Date("2026-07-01T08:00:00Z"), "Europe/Berlin"), "2026-07-01 10:00:00 +02:00");
  t.is(formatInZone(upload, "America/St_Johns"), "2026-11-25 05:25:16 -03:30");
  t.is(formatInZone(new Date("2026-11-24T23:00:00Z"), "Asia/Kolkata"), "2026-11-25 04:30:00 +05:30");
  // Round trip: what formatInZone prints, parseTimeArg reads back.
  const shown = formatInZone(upload, "Asia/Kathmandu");
  t.is(parseTimeArg(shown.replace(" ", "T").replace(" ", ""), "--since").toISOString(), "2026-11-25T08:55:16.000Z");
});
