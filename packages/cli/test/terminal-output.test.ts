// Everything oclog prints passes one sink that shows terminal-active characters as escapes: a name
// from storage, a token field or a log line a command forgot to clean still cannot recolour, retitle,
// write the clipboard or reorder the investigator's terminal (issue 20).
import test from "ava";
import { neutralizeForTerminal, terminalOutput } from "@oclog/cli";
import { HOSTILE_STRINGS } from "../../../test/hostile/hostile-random.js";

const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

test("every hostile string comes out with no character a terminal acts on", (t) => {
  for (const bad of HOSTILE_STRINGS) {
    const shown = neutralizeForTerminal(`blob ${bad} failed`);
    t.false(ACTIVE.test(shown), JSON.stringify(bad));
  }
  t.is(neutralizeForTerminal("\x1b]52;c;cm0=\x07"), "\\u001b]52;c;cm0=\\u0007");
  t.is(neutralizeForTerminal("a\tb\nc"), "a\tb\nc", "tab and newline stay");
});

test("--json output stays parseable JSON with the same values after the sink", (t) => {
  const value = { name: "\u009b31m\u202egnp.exe", esc: "\x1b[2J", plain: "a\\u009b" };
  let printed = "";
  terminalOutput((text) => (printed += text), () => undefined).out(JSON.stringify(value));
  t.false(ACTIVE.test(printed));
  t.deepEqual(JSON.parse(printed), value);
});

test("both streams of the sink are neutralized and newline-terminated", (t) => {
  let out = "";
  let err = "";
  const output = terminalOutput((text) => (out += text), (text) => (err += text));
  output.out("x\ry");
  output.err("\x07bell");
  t.is(out, "x\\u000dy\n");
  t.is(err, "\\u0007bell\n");
});
