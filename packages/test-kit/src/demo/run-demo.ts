/**
 * `oclog demo`: Azurite on a free loopback port in a temporary folder, alice's container
 * filled with the demo incident, the full investigation against it, Azurite stopped.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobServiceClient } from "@azure/storage-blob";
import { runInvestigation, Sensitive, type RunInvestigationResult } from "@oclog/investigate";
import { OclogError } from "@oclog/errors";
import { assetPath } from "@oclog/schema";
import { startAzurite } from "../azurite/azurite.js";
import { buildDemoIncident, type DemoIncident } from "./incident.js";

/** The committed real OpenClaw capture the demo incident is built from (shipped inside the installed CLI). */
export function demoFixturesDir(): string {
  return assetPath("test", "fixtures", "openclaw-2026.9.6");
}

/** demoFixturesDir() as tests read it; runDemo asks at run time, after a bundle's entry set the asset root. */
export const DEMO_FIXTURES = demoFixturesDir();

/** Uploads the demo incident into a container (block blobs, as Fluent Bit writes them). */
export async function uploadIncident(connectionString: string, incident: DemoIncident): Promise<void> {
  const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(incident.container);
  await container.createIfNotExists();
  await Promise.all(
    incident.blobs.map((blob) =>
      container.getBlockBlobClient(blob.name).uploadData(blob.content, { blobHTTPHeaders: { blobContentType: "application/gzip" } }),
    ),
  );
}

/** Runs the whole demo and returns the investigation plus what was planted. */
export async function runDemo(options: { caseDir?: string | undefined; oclogVersion: string; onProgress?: (p: { done: number; total: number; bytes: number }) => void }): Promise<{ result: RunInvestigationResult; incident: DemoIncident }> {
  const fixtures = demoFixturesDir();
  // Checked before Azurite starts: a half-installed CLI should say what is missing, not crash.
  if (!existsSync(join(fixtures, "gateway.log"))) {
    throw new OclogError("E_DEMO_DATA", `the demo's capture is missing: ${fixtures}`, { hint: "reinstall oclog (the demo data ships inside the package), or run it from a full checkout" });
  }
  const azurite = await startAzurite();
  try {
    const incident = buildDemoIncident(fixtures);
    await uploadIncident(azurite.connectionString, incident);
    const result = await runInvestigation({
      user: incident.user,
      connectionString: new Sensitive(azurite.connectionString),
      caseDir: options.caseDir ?? join(mkdtempSync(join(tmpdir(), "oclog-demo-")), "case"),
      oclogVersion: options.oclogVersion,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    return { result, incident };
  } finally {
    await azurite.stop();
  }
}
