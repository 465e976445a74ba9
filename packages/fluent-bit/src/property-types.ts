/**
 * Checks one property value against the type the plugin schema gives it. Values that are
 * `${VAR}` references are resolved by Fluent Bit at start-up, so only their form is checked.
 */
import type { PropertyValue, Scalar } from "./config-model.js";

const BOOLEAN = /^(on|off|true|false|yes|no|1|0)$/i;
const INTEGER = /^-?\d+$/;
const DOUBLE = /^-?\d+(\.\d+)?$/;
// Fluent Bit's flb_utils_size_to_bytes: a number with an optional K/M/G and an optional B.
const SIZE = /^\d+(\.\d+)?\s*([KMG]B?|B)?$/i;
// flb_utils_time_to_seconds: a number with an optional s/m/h/d suffix.
const TIME = /^\d+(\.\d+)?\s*[smhd]?$/i;
export const INTERPOLATION = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/;

/** Types whose value may be given as a YAML list (Fluent Bit's multi-value properties). */
function takesList(type: string): boolean {
  return type.startsWith("multiple") || type.startsWith("space delimited");
}

function checkScalar(type: string, value: Scalar): string | undefined {
  const text = typeof value === "boolean" ? (value ? "on" : "off") : String(value);
  if (INTERPOLATION.test(text)) return undefined;
  switch (type) {
    case "boolean":
      return BOOLEAN.test(text) ? undefined : `expects on/off, got "${text}"`;
    case "integer":
      return INTEGER.test(text) ? undefined : `expects a whole number, got "${text}"`;
    case "double":
      return DOUBLE.test(text) ? undefined : `expects a number, got "${text}"`;
    case "size":
      return SIZE.test(text) ? undefined : `expects a size such as 64M or 1G, got "${text}"`;
    case "time":
      return TIME.test(text) ? undefined : `expects a duration such as 30s, 5m or 1h, got "${text}"`;
    default: {
      const minimum = /\(minimum (\d+)\)/.exec(type)?.[1];
      if (minimum && text.trim().split(/\s+/).length < Number(minimum)) {
        return `expects at least ${minimum} space-separated words, got "${text}"`;
      }
      return undefined;
    }
  }
}

/** Why `value` is not a valid `type`, or undefined when it is. */
export function checkPropertyValue(type: string, value: PropertyValue, repeatable = false): string | undefined {
  if (Array.isArray(value)) {
    if (!takesList(type) && !repeatable) return `takes one value, got a list of ${value.length}`;
    for (const item of value) {
      const problem = checkScalar(type, item);
      if (problem) return problem;
    }
    return undefined;
  }
  return checkScalar(type, value);
}
