export { main } from "./main.js";
export { buildProgram } from "./program.js";
export type { Output } from "./output.js";
export { terminalOutput, neutralizeForTerminal } from "./output.js";
export { schemaValidate, renderReport } from "./commands/schema-validate.js";
export type { SchemaValidateOptions, ValidationSummary } from "./commands/schema-validate.js";
export { schemaExport } from "./commands/schema-export.js";
export { VERSION } from "./version.js";
