// Runs in the image root at build time (rootfs/setup.sh), after the gateway's first start there:
// keeps the state that start migrated and created (schema, migration receipts, machine state)
// and removes from it everything that belongs to one machine, the way an image build removes
// SSH host keys and the machine id. OpenClaw creates each of these again at its first start in
// a VM (loadOrCreate): the device identity (key pair), the config revision HMAC key, and what
// was derived from them or from this build (the config snapshot fingerprinted with the build's
// key, the build's boot records, the build's config file stat). The file
// config-journal-fingerprint.key is removed by setup.sh.
// Deleted rows are overwritten (secure_delete) and the file rewritten (VACUUM), so no key
// bytes stay in free pages. Fails, loudly, when a table it expects is missing or when a table
// it does not know about has rows (a new OpenClaw version: review this list).
// usage: node openclaw-scrub-state.mjs STATE_DB  (prints what it kept and removed)
import { DatabaseSync } from "node:sqlite";

const [file] = process.argv.slice(2);
if (!file) throw new Error("usage: openclaw-scrub-state.mjs STATE_DB");
/** Per machine: emptied. */
const REMOVED = ["device_identities", "config_revision_keys", "diagnostic_events", "gateway_boot_lifecycle", "config_health_entries"];
/** What the first start migrated or created that every VM shares: kept. */
const KEPT = ["config_machine_state", "schema_meta", "migration_runs", "migration_sources"];

const db = new DatabaseSync(file);
const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all().map((row) => String(row.name));
const count = (table) => Number(db.prepare(`SELECT count(*) AS n FROM "${table}"`).get().n);
for (const table of [...REMOVED, ...KEPT]) {
  if (!tables.includes(table)) throw new Error(`openclaw-scrub-state: table ${table} is missing in ${file} (OpenClaw changed? update this list)`);
}
const unknown = tables.filter((table) => !REMOVED.includes(table) && !KEPT.includes(table) && count(table) > 0);
if (unknown.length > 0) throw new Error(`openclaw-scrub-state: tables with rows this script does not know: ${unknown.join(", ")} (review them, then add each to REMOVED or KEPT)`);
db.exec("PRAGMA secure_delete = ON");
for (const table of REMOVED) {
  const n = count(table);
  db.exec(`DELETE FROM "${table}"`);
  console.log(`removed ${table} ${n}`);
}
for (const table of KEPT) console.log(`kept ${table} ${count(table)}`);
db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
db.exec("VACUUM");
db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
db.close();
