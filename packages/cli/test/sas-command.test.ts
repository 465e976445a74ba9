// `oclog sas ...` through the CLI entry point against a real Azurite: inspect, issue, and
// rotate end to end with the local transport (the VM side is the real `oclog sas install` in
// its own process, hot-reloading a real Fluent Bit 5.1.1; rotate's events go to another one's
// forward input).
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { BlobServiceClient } from "@azure/storage-blob";
import { startAzurite, type Azurite } from "@oclog/test-kit/azurite";
import { Sensitive } from "@oclog/errors";
import { acquireLock, CommandTransport, parseSas } from "@oclog/sas";
import { startReloadableFluentBit, type ReloadableFluentBit, Receiver } from "@oclog/test-kit/fluent-bit";
import { oclogArgv } from "../../../test/pipeline/oclog-child.js";
import { runCli } from "./run-cli.js";

let azurite: Azurite;
let fluentBit: ReloadableFluentBit;
const work = mkdtempSync(join(tmpdir(), "oclog-cli-sas-"));

test.before(async () => {
  azurite = await startAzurite();
  await BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient("oclog-alice").create();
  fluentBit = await startReloadableFluentBit();
  process.env.AZURE_STORAGE_CONNECTION_STRING = azurite.connectionString;
});
test.after.always(async () => {
  delete process.env.AZURE_STORAGE_CONNECTION_STRING;
  await azurite?.stop();
  await fluentBit?.close();
});

const sigOf = (url: string) => new URLSearchParams(url.split("?")[1]).get("sig")!;

test.serial("issue prints nothing secret unless asked; --out writes 0600; inspect reads it back", async (t) => {
  const quiet = await runCli("sas", "issue", "--container", "oclog-alice");
  t.is(quiet.code, 0);
  t.notRegex(quiet.stdout + quiet.stderr, /sig=/);
  t.regex(quiet.stderr, /not shown: pass --out FILE or --stdout/);
  const file = join(work, "alice.sas");
  t.is((await runCli("sas", "issue", "--container", "oclog-alice", "--lifetime", "2d", "--out", file)).code, 0);
  t.is(statSync(file).mode & 0o777, 0o600);
  const url = readFileSync(file, "utf8").trim();
  const inspected = await runCli("sas", "inspect", file, "--json");
  t.is(inspected.code, 0);
  const summary = JSON.parse(inspected.stdout) as Record<string, unknown>;
  t.like(summary, { container: "oclog-alice", permissions: "cw", signed: true, fingerprint: parseSas(url).fingerprint });
  t.true(Math.abs((summary.remaining_seconds as number) - 2 * 86_400) < 600);
  t.false(inspected.stdout.includes(sigOf(url)), "inspect never prints the signature");
});

test.serial("inspect: an over-granting SAS exits 1 and says why; garbage exits 2", async (t) => {
  const file = join(work, "broad.sas");
  t.is((await runCli("sas", "issue", "--container", "oclog-alice", "--permissions", "racwdl", "--lifetime", "30d", "--out", file)).code, 0);
  const broad = await runCli("sas", "inspect", file);
  t.is(broad.code, 1);
  t.regex(broad.stdout, /problem: this SAS grants more than write-only: rdl/);
  t.regex(broad.stdout, /problem: this SAS lives 30\.0 days, more than the 7-day policy/);
  writeFileSync(join(work, "garbage"), "hello");
  t.is((await runCli("sas", "inspect", join(work, "garbage"))).code, 2);
});

test.serial("rotate (local transport): rotates below the threshold, not above, refuses a concurrent run, never logs the token", async (t) => {
  const root = join(work, "vm");
  const statePath = join(root, "run/oclog/sas-state.json");
  const installCommand = oclogArgv(["sas", "install", "--container", "oclog-alice", "--include", join(root, "etc/fluent-bit/oclog-sas.yaml"), "--state-file", statePath, "--reload-url", fluentBit.url]).join(" ");
  const lock = join(work, "rotate.lock");
  const events = new Receiver(join(work, "events.sock"));
  await events.start();
  t.teardown(() => events.stop());
  const rotate = () => runCli("sas", "rotate", "--vm", "alice", "--transport", "local", "--state-file", statePath, "--install-command", installCommand, "--lock", lock, "--threshold", "48h", "--events-socket", events.path, "--json");

  // A first token that lives one day: inside the 48 h threshold.
  const first = join(work, "first.sas");
  await runCli("sas", "issue", "--container", "oclog-alice", "--lifetime", "1d", "--out", first);
  // Installed the way rotate does it: through the transport, the URL on the installer's stdin.
  await new CommandTransport("local:alice", [], statePath, installCommand.split(" ")).install(new Sensitive(readFileSync(first, "utf8").trim()));
  const before = JSON.parse(readFileSync(statePath, "utf8")) as { fingerprint: string; expires_at: string };
  const reloads = await fluentBit.reloads();

  const rotated = await rotate();
  t.is(rotated.code, 0, rotated.stderr);
  const result = JSON.parse(rotated.stdout) as { action: string; fingerprint: string; newExpiresAt: string };
  t.is(result.action, "rotated");
  const after = JSON.parse(readFileSync(statePath, "utf8")) as { fingerprint: string; expires_at: string };
  t.not(after.fingerprint, before.fingerprint);
  t.is(result.fingerprint, after.fingerprint);
  t.true(Date.parse(after.expires_at) - Date.now() > 6.9 * 86_400_000, "the new SAS lives 7 days");
  t.is(await fluentBit.reloads(), reloads + 1, "Fluent Bit reloaded once");
  const token = readFileSync(join(root, "etc/fluent-bit/oclog-sas.yaml"), "utf8").match(/OCLOG_SAS_TOKEN: "(.*)"/)![1]!;
  t.false((rotated.stdout + rotated.stderr).includes(new URLSearchParams(token).get("sig")!), "the token is never logged");
  // Stopped, Fluent Bit has written out every event it acknowledged: the list is complete.
  await events.stop();
  t.deepEqual(events.entries.map((e) => [e.tag, e.record.event]), [["openclaw.oclog", "sas.checked"], ["openclaw.oclog", "sas.rotated"]], "its events went through the SDK");
  t.false(JSON.stringify(events.entries).includes(new URLSearchParams(token).get("sig")!));
  await events.start();

  const again = await rotate();
  t.is(again.code, 0);
  t.is((JSON.parse(again.stdout) as { action: string }).action, "not-due");
  t.is(JSON.parse(readFileSync(statePath, "utf8")).fingerprint, after.fingerprint, "nothing changed");

  const release = acquireLock(lock);
  try {
    const locked = await rotate();
    t.is(locked.code, 3);
    t.regex(locked.stderr, /another rotation holds .*rotate\.lock \(pid \d+\)/);
  } finally {
    release();
  }
});

