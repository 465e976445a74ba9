/**
 * A command as a typed spec: its arguments, its options (with their types and defaults), its help
 * and a lazily loaded `run`. `defineCommand` checks the spec against commander once, at startup
 * (each option key must be the name commander gives the flag), and hides the types behind
 * `register`, so program.ts only lists specs.
 *
 * Adding a command: commands/<name>.ts does the work (a typed function tests call directly),
 * commands/<name>.command.ts declares it with defineCommand (defaults imported from the package
 * that owns them), and one entry in program.ts's COMMANDS lists it.
 */
import type { Command } from "commander";
import type { Output } from "../output.js";
import type { OptionSpec, OptionValues } from "./option-spec.js";

/** One positional argument; `<name...>` is variadic and gives a list. */
export interface ArgumentSpec<T> {
  readonly name: string;
  readonly description: string;
  /** Commander's value as the command receives it. */
  finish(value: unknown): T;
}

/** The values of the arguments `A`, in order. */
export type ArgumentValues<A extends readonly ArgumentSpec<unknown>[]> = { [K in keyof A]: A[K] extends ArgumentSpec<infer T> ? T : never };

/** A positional argument (`<file>`): a string. */
export function argument(name: string, description: string): ArgumentSpec<string> {
  return { name, description, finish: (value) => (typeof value === "string" ? value : "") };
}

/** A variadic positional argument (`<files...>`): every value, in order. */
export function variadic(name: `${string}...>`, description: string): ArgumentSpec<string[]> {
  return { name, description, finish: (value) => (Array.isArray(value) ? value.map(String) : []) };
}

/** What a command spec declares. */
export interface CommandSpec<A extends readonly ArgumentSpec<unknown>[], O extends Record<string, OptionSpec<unknown>>> {
  readonly name: string;
  readonly description: string;
  readonly arguments?: A;
  readonly options: O;
  /** Shown after the options in --help: exit statuses, examples. */
  readonly help?: string;
  /** Loads the implementation (a dynamic import, so --help loads nothing heavy) and runs it. */
  run(input: { args: ArgumentValues<A>; opts: OptionValues<O> }, output: Output): Promise<void>;
}

/** A spec whose types are checked and sealed: what program.ts lists. */
export interface CommandDefinition {
  readonly name: string;
  /** Adds the command (and its subcommands) under `parent`. */
  register(parent: Command, output: Output): Command;
}

/** A typed command: the spec (for tests and type checks) plus its registration. */
export type TypedCommand<A extends readonly ArgumentSpec<unknown>[], O extends Record<string, OptionSpec<unknown>>> = CommandSpec<A, O> & CommandDefinition;

/** Declares a command from its spec; `run` receives values typed by the option builders. */
export function defineCommand<const A extends readonly ArgumentSpec<unknown>[] = [], O extends Record<string, OptionSpec<unknown>> = Record<never, never>>(
  spec: CommandSpec<A, O>,
): TypedCommand<A, O> {
  const argumentSpecs: readonly ArgumentSpec<unknown>[] = spec.arguments ?? [];
  return {
    ...spec,
    register(parent, output) {
      const command = parent.command(spec.name).description(spec.description);
      for (const a of argumentSpecs) command.argument(a.name, a.description);
      for (const [key, optionSpec] of Object.entries<OptionSpec<unknown>>(spec.options)) {
        const built = optionSpec.build();
        // A key that is not commander's name for the flag would always read undefined.
        if (built.attributeName() !== key) throw new Error(`oclog ${spec.name}: option key "${key}" does not match ${optionSpec.flags} ("${built.attributeName()}")`);
        command.addOption(built);
      }
      if (spec.help !== undefined) command.addHelpText("after", spec.help);
      command.exitOverride().action(async (...params: unknown[]) => {
        const raw = command.opts();
        const opts = Object.fromEntries(Object.entries<OptionSpec<unknown>>(spec.options).map(([key, o]) => [key, o.finish(raw[key])]));
        const args = argumentSpecs.map((a, i) => a.finish(params[i]));
        await spec.run({ args: args as ArgumentValues<A>, opts: opts as OptionValues<O> }, output);
      });
      return command;
    },
  };
}

/** A command that only groups subcommands (`oclog sas ...`). */
export function defineGroup(spec: { name: string; description: string; commands: readonly CommandDefinition[] }): CommandDefinition & { commands: readonly CommandDefinition[] } {
  return {
    ...spec,
    register(parent, output) {
      const group = parent.command(spec.name).description(spec.description).exitOverride();
      for (const c of spec.commands) c.register(group, output);
      return group;
    },
  };
}
