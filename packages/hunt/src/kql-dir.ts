/** Where the KQL twins live and the table they read: named once, for the loader, the lint and the CLI. */
import { DETECTIONS_DIR } from "@oclog/detections";

/** The directory of the rule files whose `kql:` field is each detection's twin (queries/detections). */
export const KQL_DIR = DETECTIONS_DIR;

/** The Log Analytics table every twin reads (see queries/kql/README.md for its columns). */
export const KQL_TABLE = "OclogEvents_CL";
