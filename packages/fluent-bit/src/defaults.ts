/**
 * The defaults `oclog fluent-bit` shows in --help, in a module with no imports so the CLI can print
 * them without loading the schema tables (the `@oclog/fluent-bit/defaults` export).
 */

/** The Fluent Bit version the VM installs; the checked-in pipeline is generated for it. */
export const VM_FLUENT_BIT_VERSION = "5.1.1";
