/**
 * The evidence folder of a case: every downloaded blob written once under `evidence/`, made
 * read-only, and described in `manifest.json` (name, etag, size, MD5, SHA-256, times; never a
 * SAS). What is already here with the same etag is not downloaded again.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { chmod, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { gzipProblem } from "./gzip-integrity.js";

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

/** SHA-256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export class EvidenceStore {
  readonly caseDir: string;
  readonly manifest: CaseManifest;

  private constructor(caseDir: string, manifest: CaseManifest) {
    this.caseDir = caseDir;
    this.manifest = manifest;
  }

  /** Opens the case folder, creating it and its manifest on first use. */
  static async open(caseDir: string, init: Omit<CaseManifest, "evidence" | "createdAt">): Promise<EvidenceStore> {
    await mkdir(join(caseDir, "evidence"), { recursive: true });
    const manifestPath = join(caseDir, "manifest.json");
    let manifest: CaseManifest;
    try {
      manifest = JSON.parse(await readFile(manifestPath, "utf8")) as CaseManifest;
      if (manifest.user !== init.user || manifest.container !== init.container) {
        throw new Error(
          `case folder ${caseDir} belongs to user ${JSON.stringify(manifest.user)} / container ${JSON.stringify(manifest.container)}; use another --case-dir`,
        );
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      manifest = { ...init, createdAt: new Date().toISOString(), evidence: {} };
    }
    const store = new EvidenceStore(caseDir, manifest);
    await store.save();
    return store;
  }

  /** Absolute path where a blob's evidence file lives. */
  absolutePath(blob: string): string {
    return join(this.caseDir, evidencePathFor(blob));
  }

  /** True when this blob, at this etag, is already preserved here (a rerun skips it). */
  async has(blob: string, etag: string): Promise<boolean> {
    const entry = this.manifest.evidence[blob];
    if (!entry || entry.etag !== etag) return false;
    try {
      return (await stat(join(this.caseDir, entry.path))).size === entry.size;
    } catch {
      return false;
    }
  }

  /** Hashes a freshly downloaded file, makes it read-only and records it in the manifest. */
  async add(blob: { name: string; etag: string; size: number; contentMD5: string | null; lastModified: Date }): Promise<EvidenceEntry> {
    const absolute = this.absolutePath(blob.name);
    const entry: EvidenceEntry = {
      blob: blob.name,
      path: relative(this.caseDir, absolute),
      etag: blob.etag,
      size: (await stat(absolute)).size,
      contentMD5: blob.contentMD5,
      sha256: await sha256File(absolute),
      lastModified: blob.lastModified.toISOString(),
      downloadedAt: new Date().toISOString(),
    };
    const damaged = await gzipProblem(absolute);
    if (damaged !== undefined) entry.damaged = damaged;
    await chmod(absolute, 0o444);
    this.manifest.evidence[blob.name] = entry;
    return entry;
  }

  /** Where a download should write: the directory is created, the file must not exist yet. */
  async prepare(blob: string): Promise<string> {
    const absolute = this.absolutePath(blob);
    await mkdir(dirname(absolute), { recursive: true });
    return absolute;
  }

  /** Writes manifest.json atomically. */
  async save(): Promise<void> {
    const path = join(this.caseDir, "manifest.json");
    await writeFile(`${path}.tmp`, `${JSON.stringify(this.manifest, null, 2)}\n`);
    await rename(`${path}.tmp`, path);
  }

  /** Evidence entries in a stable order. */
  entries(): EvidenceEntry[] {
    return Object.values(this.manifest.evidence).sort((a, b) => a.blob.localeCompare(b.blob));
  }
}
