/** Where the KQL twins live; its own file so pure modules can name the path without importing fs. */
import { fileURLToPath } from "node:url";

// src/ (tsx) and dist/ (built) sit at the same depth, so one relative URL serves both.
/** The repository's `queries/kql` directory (the detections' KQL twins). */
export const KQL_DIR = fileURLToPath(new URL("../../../queries/kql/", import.meta.url));

/** The Log Analytics table every twin reads (see queries/kql/README.md for its columns). */
export const KQL_TABLE = "OclogEvents_CL";
