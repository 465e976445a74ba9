/** The metadata a detection carries, whichever engine runs it (DuckDB SQL or its KQL twin). */
import type { Severity } from "./severity.js";

/** The metadata header of one detection file in `queries/detections/`. */
export interface DetectionMeta {
  id: string;
  title: string;
  status: "experimental" | "test" | "stable";
  severity: Severity;
  /** ATT&CK (`attack.t1041`) and MITRE ATLAS (`atlas.aml.t0051`) technique tags. */
  tags: string[];
  description: string;
  falsepositives: string[];
  /** Path of the rule file, relative to the repository. */
  file: string;
}
