/**
 * The evasion corpus: every attack scenario's payload written other ways (interpreter, encoding,
 * destination notation, tool), the scenario's own payload and each interpreter payload moved to
 * the user's next turn and into a spawned subagent, and benign developer days. Pure and seeded:
 * the same seed gives the same corpus.
 *
 * `node --import tsx --conditions=oclog-source test/evasion/generate-variants.ts [seed]` prints it.
 */
import { pathToFileURL } from "node:url";
import { ATTACK_FAMILIES, type AttackFamily, type AttackVariant, type EvasionCorpus } from "./corpus-types.js";
import { benignDays } from "./benign-days.js";
import { injectedChain } from "./injected-chain.js";
import type { PayloadSpec } from "./payload-steps.js";
import { seededRandom } from "./seeded-random.js";
import { drawVariantParams, type VariantParams } from "./variant-params.js";
import { exfilPayloads } from "./families/prompt-injection-exfil.js";
import { credentialPayloads } from "./families/credential-hunting.js";
import { downloadRunPayloads } from "./families/download-and-run.js";
import { persistencePayloads } from "./families/persistence.js";
import { metadataPayloads } from "./families/cloud-metadata.js";
import { destructivePayloads } from "./families/destructive-commands.js";

export const DEFAULT_SEED = 22;

const PAYLOADS: Record<AttackFamily, (p: VariantParams) => PayloadSpec[]> = {
  "prompt-injection-exfil": exfilPayloads,
  "credential-hunting": credentialPayloads,
  "download-and-run": downloadRunPayloads,
  persistence: persistencePayloads,
  "cloud-metadata": metadataPayloads,
  "destructive-commands": destructivePayloads,
};

export function generateAttackVariants(seed: number): AttackVariant[] {
  const r = seededRandom(seed);
  const params = drawVariantParams(r);
  const variants: AttackVariant[] = [];
  for (const family of ATTACK_FAMILIES) {
    const payloads = PAYLOADS[family](params);
    for (const payload of payloads) variants.push(injectedChain(r, params, family, payload, "same-turn"));
    // The finding: what only the 10-minute, same-session rule caught goes silent a turn
    // later or in a spawned session. The scenario's own payload and the interpreter ones are what
    // that rule carried, so those are moved.
    const moved = payloads.filter((x) => x.axis === "as-scripted" || x.axis === "interpreter");
    for (const payload of moved) variants.push(injectedChain(r, params, family, payload, "next-turn"));
    for (const payload of moved) variants.push(injectedChain(r, params, family, payload, "subagent"));
  }
  return variants;
}

export function generateCorpus(seed = DEFAULT_SEED): EvasionCorpus {
  return { seed, variants: generateAttackVariants(seed), benignDays: benignDays(seed) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const corpus = generateCorpus(Number(process.argv[2] ?? DEFAULT_SEED));
  for (const v of corpus.variants) console.log(`${v.id}\t${v.summary}\n    ${JSON.stringify(v.steps[v.consequentialStep]!.args)}`);
  for (const d of corpus.benignDays) console.log(`${d.id}\t${d.summary} (${d.steps.length} steps)`);
  console.log(`${corpus.variants.length} attack variants, ${corpus.benignDays.length} benign days`);
}
