// Runs in its own process because Node reads NODE_EXTRA_CA_CERTS only at start-up: the parent
// starts Azurite over HTTPS with a self-signed certificate and passes it in.
import { BlobServiceClient, ContainerClient } from "@azure/storage-blob";
import { issueContainerSas, parseSas } from "@oclog/sas";

const endpoint = process.env.OCLOG_TEST_BLOB_ENDPOINT!;
const connectionString = process.env.OCLOG_TEST_CONNECTION_STRING!;
const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
const now = Math.floor(Date.now() / 1000);
const tenant = "72f988bf-0000-4000-8000-00000000000a";
// JWT-shaped: Azurite's basic OAuth checks audience, issuer and times, not the signature.
const jwt = [
  b64url({ alg: "RS256", typ: "JWT" }),
  b64url({ aud: "https://storage.azure.com", iss: `https://sts.windows.net/${tenant}/`, nbf: now - 60, iat: now - 60, exp: now + 3600, oid: "0b6d0c9e-0000-4000-8000-00000000000b", tid: tenant }),
  "c2lnbmF0dXJlLW5vdC1jaGVja2Vk",
].join(".");
const credential = { getToken: async () => ({ token: jwt, expiresOnTimestamp: (now + 3600) * 1000 }) };

await BlobServiceClient.fromConnectionString(connectionString).getContainerClient("oclog-alice").createIfNotExists();
const url = await issueContainerSas({ kind: "user-delegation", accountUrl: endpoint, credential }, { container: "oclog-alice", permissions: "cw", lifetimeMs: 7 * 86_400_000 });
const parsed = parseSas(url);
const blob = new ContainerClient(url.reveal()).getBlockBlobClient("oclog/alice/openclaw.gateway.ud.1795600000000.gz");
await blob.upload("written with a user delegation SAS", 34);
let readStatus = 200;
try {
  await blob.download();
} catch (error) {
  readStatus = (error as { statusCode?: number }).statusCode ?? -1;
}
process.stdout.write(`${JSON.stringify({ wrote: true, readStatus, userDelegation: parsed.userDelegation !== undefined, objectId: parsed.userDelegation?.objectId, protocol: parsed.protocol, permissions: parsed.permissions })}\n`);
