/** The naming conventions of a rule file, Sigma's: `<logsource>_<name>.yml`, and the lifecycle states a rule can be in. */

/** Logsource prefixes a detection file name may start with (`tool_`, `auth_`, ...). */
export const DETECTION_LOGSOURCES = ["access", "auth", "config", "model", "network", "pairing", "pipeline", "sandbox", "system", "tool"] as const;

/** Lifecycle states a rule can be in (Sigma's; retired rules leave the directory). */
export const DETECTION_STATUSES = ["experimental", "test", "stable"] as const;

const FILE_STEM = new RegExp(`^(${DETECTION_LOGSOURCES.join("|")})_[a-z0-9_]+$`);

/** Why a detection file name breaks the `<logsource>_<name><extension>` convention (`.yml` unless told), or null when it is fine. */
export function detectionFileNameProblem(name: string, extension = ".yml"): string | null {
  // Sigma's bounds: long enough to say something, short enough for a terminal column.
  if (name.length < 10 || name.length > 90) return `file name must be 10-90 characters long, got ${name.length}`;
  if (!name.endsWith(extension) || !FILE_STEM.test(name.slice(0, name.length - extension.length))) {
    return `file name must match <logsource>_<name>${extension} in [a-z0-9_] with logsource one of ${DETECTION_LOGSOURCES.join(", ")}`;
  }
  return null;
}
