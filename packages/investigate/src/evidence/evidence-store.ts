/**
 * The evidence folder of a case: every downloaded blob written once under `evidence/`, made
 * read-only, and described in `manifest.json` (name, etag, size, MD5, SHA-256, times; never a
 * SAS). What is already here with the same etag, and still hashes to what custody recorded, is
 * not downloaded again. Blob names are data, never keys: the evidence map has no prototype, so a
 * blob named `__proto__` is kept like any other.
 */
import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { chmod, lstat, mkdir, open, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { quoteUntrusted } from "@oclog/errors";
import { CaseSymlinkError, EvidenceTamperedError, ForeignCaseFolderError } from "../case/case-errors.js";
import { checkCaseFolder, findSymlinks, looksLikeManifest, readFileNoFollow } from "../case/case-folder.js";
import { custodyEvidenceHashes, custodyEvidenceShapes, verifyCustody } from "./custody-log.js";
import { checkEvidence } from "./evidence-check.js";
import { inspectGzip, type LineShape } from "./gzip-integrity.js";

export interface EvidenceEntry {
  blob: string;
  /** Path of the file, relative to the case folder. */
  path: string;
  etag: string;
  size: number;
  contentMD5: string | null;
  sha256: string;
  lastModified: string;
  downloadedAt: string;
  /** Why the file does not decompress to its end (a truncated gzip), if it does not. */
  damaged?: string;
}

/** What `examine` finds in a downloaded file. */
interface Examined {
  size: number;
  sha256: string;
  damaged?: string;
  shape?: LineShape;
}

export interface CaseManifest {
  caseId: string;
  user: string;
  container: string;
  createdAt: string;
  oclogVersion: string;
  evidence: Record<string, EvidenceEntry>;
}

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

/** The evidence path for a blob name: its own path when every segment is plain, else a hash. */
export function evidencePathFor(blob: string): string {
  const segments = blob.split("/");
  // Blob names are attacker-influenced: `..`, absolute paths or odd bytes must not steer a write.
  if (blob.length <= 1024 && segments.every((s) => SAFE_SEGMENT.test(s) && s !== "." && s !== "..")) {
    return join("evidence", ...segments);
  }
  return join("evidence", "_renamed", createHash("sha256").update(blob).digest("hex"));
}

/** SHA-256 of a file, streamed; a symbolic link is refused (ELOOP), never followed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    // 1 MiB reads (the case database is hashed twice per run; 64 KiB reads were 15% slower) into
    // one buffer, hashed where they land: a read stream copies every chunk it hands out, which was
    // 0.38 s of a 4 GB case's warm run (1 GB hashed: the evidence, and case.duckdb twice).
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (let read = await handle.read(buffer, 0, buffer.length, null); read.bytesRead > 0; read = await handle.read(buffer, 0, buffer.length, null)) {
      hash.update(buffer.subarray(0, read.bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest("hex");
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** An evidence map without a prototype, filled from `source` (a parsed manifest's own keys). */
function evidenceMap(source: Record<string, EvidenceEntry> = {}): Record<string, EvidenceEntry> {
  const map = Object.create(null) as Record<string, EvidenceEntry>;
  for (const [name, entry] of Object.entries(source)) map[name] = entry;
  return map;
}

export class EvidenceStore {
  readonly caseDir: string;
  readonly manifest: CaseManifest;

  private constructor(caseDir: string, manifest: CaseManifest) {
    this.caseDir = caseDir;
    this.manifest = manifest;
  }

  /**
   * Opens the case folder, creating it and its manifest on first use. Refuses a folder that is not
   * an oclog case, any link inside it, and evidence that no longer matches custody: a rerun never
   * trusts a file edited since it was added (it stops, see EvidenceTamperedError, rather than
   * analyse it or replace it, so the changed folder stays as it was found).
   */
  static async open(caseDir: string, init: Omit<CaseManifest, "evidence" | "createdAt">): Promise<EvidenceStore> {
    await checkCaseFolder(caseDir);
    await mkdir(join(caseDir, "evidence"), { recursive: true });
    const links = await findSymlinks(caseDir);
    if (links.length > 0) throw new CaseSymlinkError(caseDir, links);
    const manifestPath = join(caseDir, "manifest.json");
    let manifest: CaseManifest;
    try {
      const parsed = JSON.parse(await readFileNoFollow(manifestPath)) as unknown;
      if (!looksLikeManifest(parsed)) throw new ForeignCaseFolderError(caseDir, "holds a manifest.json that is not an oclog case manifest");
      manifest = { ...(parsed as CaseManifest), evidence: evidenceMap((parsed as CaseManifest).evidence) };
      if (manifest.user !== init.user || manifest.container !== init.container) {
        throw new ForeignCaseFolderError(caseDir, `is the case of user ${quoteUntrusted(manifest.user)} / container ${quoteUntrusted(manifest.container)}, not of ${quoteUntrusted(init.user)}`, {
          user: manifest.user,
          container: manifest.container,
        });
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      manifest = { ...init, createdAt: new Date().toISOString(), evidence: evidenceMap() };
    }
    // Without a custody log (a store used on its own, as blob-source's tests do) files are checked
    // against the manifest only; runInvestigation refuses a case whose custody log went missing.
    const custodyPath = join(caseDir, "custody.jsonl");
    const verified = (await exists(custodyPath)) ? await verifyCustody(custodyPath) : undefined;
    const custody = verified ? custodyEvidenceHashes(verified.entries) : undefined;
    const problems = await checkEvidence(caseDir, manifest.evidence, custody);
    if (problems.length > 0) throw new EvidenceTamperedError(caseDir, problems);
    const store = new EvidenceStore(caseDir, manifest);
    // Every file now hashes to what custody recorded; where custody also recorded its line shape
    // for that hash, the shape is the file's (a rebuild then need not measure it again).
    if (verified && verified.problems.length === 0) {
      for (const [blob, recorded] of custodyEvidenceShapes(verified.entries)) {
        const entry = Object.hasOwn(manifest.evidence, blob) ? manifest.evidence[blob] : undefined;
        if (entry?.sha256 === recorded.sha256) store.#shapes.set(blob, recorded.shape);
      }
    }
    await store.save();
    return store;
  }

  /** Absolute path where a blob's evidence file lives. */
  absolutePath(blob: string): string {
    return join(this.caseDir, evidencePathFor(blob));
  }

  /** True when this blob, at this etag, is already preserved here (its hash was re-checked by `open`). */
  async has(blob: string, etag: string): Promise<boolean> {
    const entry = Object.hasOwn(this.manifest.evidence, blob) ? this.manifest.evidence[blob] : undefined;
    if (!entry || entry.etag !== etag) return false;
    try {
      return (await stat(join(this.caseDir, entry.path))).size === entry.size;
    } catch {
      return false;
    }
  }

  /**
   * Hashes a freshly downloaded file, checks its gzip and makes it read-only, without touching the
   * manifest: safe for many blobs at once. `add` then records what it found.
   */
  examine(blob: string): Promise<void> {
    const examined = this.#examine(this.absolutePath(blob));
    this.#examined.set(blob, examined);
    return examined.then(() => undefined);
  }

  readonly #examined = new Map<string, Promise<Examined>>();

  async #examine(absolute: string): Promise<Examined> {
    const size = (await stat(absolute)).size;
    const [sha256, gzip] = await Promise.all([sha256File(absolute), inspectGzip(absolute)]);
    await chmod(absolute, 0o444);
    return { size, sha256, ...gzip };
  }

  /** Records a freshly downloaded file in the manifest (examining it first, unless `examine` did). */
  async add(blob: { name: string; etag: string; size: number; contentMD5: string | null; lastModified: Date }): Promise<EvidenceEntry> {
    const absolute = this.absolutePath(blob.name);
    const examined = await (this.#examined.get(blob.name) ?? this.#examine(absolute));
    this.#examined.delete(blob.name);
    const entry: EvidenceEntry = {
      blob: blob.name,
      path: relative(this.caseDir, absolute),
      etag: blob.etag,
      size: examined.size,
      contentMD5: blob.contentMD5,
      sha256: examined.sha256,
      lastModified: blob.lastModified.toISOString(),
      downloadedAt: new Date().toISOString(),
    };
    if (examined.damaged !== undefined) entry.damaged = examined.damaged;
    if (examined.shape !== undefined) this.#shapes.set(blob.name, examined.shape);
    this.manifest.evidence[blob.name] = entry;
    return entry;
  }

  // Never read from the manifest, which custody does not seal: a shape is one this run measured,
  // or one custody recorded for the SHA-256 the file was checked against when the store opened.
  readonly #shapes = new Map<string, LineShape>();

  /** The line shape of a blob (see inspectGzip), when known, so the load need not measure it again. */
  shapeOf(blob: string): LineShape | undefined {
    return this.#shapes.get(blob);
  }

  /** Where a download should write: the directory is created, the file must not exist yet. */
  async prepare(blob: string): Promise<string> {
    const absolute = this.absolutePath(blob);
    await mkdir(dirname(absolute), { recursive: true });
    return absolute;
  }

  /** Writes manifest.json atomically; a link planted at either name is replaced, never written through. */
  async save(): Promise<void> {
    const path = join(this.caseDir, "manifest.json");
    await rm(`${path}.tmp`, { force: true });
    await writeFile(`${path}.tmp`, `${JSON.stringify(this.manifest, null, 2)}\n`, { flag: "wx" });
    await rename(`${path}.tmp`, path);
  }

  /** Evidence entries in a stable order. */
  entries(): EvidenceEntry[] {
    return Object.values(this.manifest.evidence).sort((a, b) => a.blob.localeCompare(b.blob));
  }
}
