// The step classifier: what one agent step does (secret reads, connections, persistence writes,
// download-and-run, destruction, outbound data), and the catalogue it reads.
export { classifyStep, FETCH_TOOLS, SEARCH_TOOLS } from "./classify-step.js";
export type { Step } from "./classify-step.js";
export { classifyCommand, SHELLS } from "./classify-command.js";
export type { StepClass, SecretRead, Connection, PersistenceWrite, Destruction, Reason } from "./step-class.js";
export { emptyStepClass } from "./step-class.js";
export { CATALOGUE_DIR, defaultCatalogue, loadCatalogue, parseCatalogue, knownHostKind, matchPathEntry } from "./catalogue.js";
export type { Catalogue, ParseCatalogueResult, PathCatalogueEntry, HostCatalogueEntry } from "./catalogue.js";
export { secretCommandOf } from "./secret-commands.js";
export type { SecretCommandEntry, SecretCommandSpec } from "./secret-commands.js";
export { parseDestination, normaliseHost, hostScope, connectionScope, embeddedIPv4, WILDCARD_DNS_DOMAINS } from "./destination.js";
export type { Destination } from "./destination.js";
export { splitShell } from "./shell-words.js";
export type { ShellSplit, SimpleCommand, ShellPipeline } from "./shell-words.js";
export { unwrapCommand } from "./unwrap-command.js";
export { patchPaths } from "./patch-paths.js";
export type { PatchPath } from "./patch-paths.js";
export { normalisePath } from "./path-pattern.js";
export { urlCarriesData } from "./url-payload.js";
export { stepColumns, STEP_COLUMN_TYPES } from "./step-columns.js";
export type { StepColumns } from "./step-columns.js";
export { trackTaint, TaintTracker, SPAWN_LINK_SECONDS } from "./session-taint.js";
export type { TaintStep, StepTaint, SavedTaint, SessionTaint } from "./session-taint.js";
