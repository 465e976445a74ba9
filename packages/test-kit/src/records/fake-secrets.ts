/**
 * Format-correct but obviously fake secrets, fresh per run: each carries "FAKE"/"oclog" (or
 * "deadbeef" where the format is hex) so nobody mistakes one for a leaked key, and none is a
 * real credential.
 */
import { randomBytes, randomInt } from "node:crypto";

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALNUM = `${UPPER}abcdefghijklmnopqrstuvwxyz0123456789`;
const BASE64 = `${ALNUM}+/`;

function pick(alphabet: string, n: number): string {
  return Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join("");
}

const alnum = (n: number) => pick(ALNUM, n);
const upperDigits = (n: number) => pick(`${UPPER}0123456789`, n);
const digits = (n: number) => pick("0123456789", n);
const hex = (n: number) => randomBytes(Math.ceil(n / 2)).toString("hex").slice(0, n);
const base64url = (s: string) => Buffer.from(s).toString("base64url");

export function fakeSecrets() {
  const pemBody = Array.from({ length: 6 }, () => pick(BASE64, 64));
  return {
    openaiLegacy: `sk-oclogFAKE${alnum(39)}`,
    openaiProject: `sk-proj-oclogFAKE${alnum(40)}_${alnum(20)}-${alnum(12)}`,
    anthropic: `sk-ant-api03-oclogFAKE${alnum(80)}-${alnum(6)}AA`,
    openrouter: `sk-or-v1-deadbeef${hex(56)}`,
    google: `AIzaSyFAKE-oclog_${alnum(22)}`,
    githubClassic: `ghp_oclogFAKE${alnum(27)}`,
    githubOauth: `gho_oclogFAKE${alnum(27)}`,
    githubPat: `github_pat_11OCLOGFAKE${alnum(11)}_${alnum(59)}`,
    slack: `xoxb-${digits(12)}-${digits(13)}-oclogFAKE${alnum(15)}`,
    awsAccessKeyId: `AKIAOCLOGFAKE${upperDigits(7)}`,
    awsSessionKeyId: `ASIAFAKEOCLOG${upperDigits(7)}`,
    jwt: `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${base64url(JSON.stringify({ sub: "oclog-FAKE", n: alnum(8) }))}.${pick(`${ALNUM}-_`, 43)}`,
    sasSig: `oclogFAKE${alnum(30)}%2B${alnum(4)}%3D`,
    pemBody,
    // OpenClaw's gateway token has no format; the harness makes it 32 random bytes as hex.
    gatewayToken: hex(64),
    // The VM's start script makes ocgw_ + 32 random bytes as base64url (43 characters).
    vmGatewayToken: `ocgw_oclogFAKE${pick(`${ALNUM}-_`, 34)}`,
    password: `correct-horse-FAKE-${alnum(10)}`,
    plain: `oclog-FAKE-${alnum(24)}`,
  };
}

export type FakeSecrets = ReturnType<typeof fakeSecrets>;
