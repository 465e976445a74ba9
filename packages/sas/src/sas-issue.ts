/**
 * Mints a container SAS. Production: a user delegation key from the caller's Azure login, so no
 * account key is ever handled. Development and tests: a connection string or account key
 * (Azurite). Returns the container SAS URL (the form `oclog sas install` checks).
 */
// The Azure SDK is loaded only when a SAS is minted: it is most of this package's start-up
// cost, and the VM's guard (every minute) and installer import this package without it.
import type { ContainerSASPermissions, UserDelegationKey } from "@azure/storage-blob";
import type { TokenCredential } from "@azure/identity";
import { OclogError, Sensitive, UsageError, scrub } from "@oclog/errors";
import { MAX_LIFETIME_MS } from "./sas-policy.js";

export type IssueAuth =
  | { kind: "connection-string"; connectionString: Sensitive<string> }
  | { kind: "account-key"; accountUrl: string; accountName: string; accountKey: Sensitive<string> }
  | { kind: "user-delegation"; accountUrl: string; credential: TokenCredential };

export interface IssueOptions {
  container: string;
  /** Milliseconds; at most 7 days for a user delegation key. */
  lifetimeMs: number;
  permissions: string;
  now?: Date;
}

/** The Azure login has lapsed or does not allow what was asked: a person must act. */
export class IssueError extends OclogError {}

function permissionsFrom(parse: (text: string) => ContainerSASPermissions, text: string): ContainerSASPermissions {
  try {
    return parse(text);
  } catch {
    throw new UsageError(`--permissions ${JSON.stringify(text)} is not a container SAS permission string`, { hint: "e.g. cw (create, write), the shipping default" });
  }
}

/** A new container SAS URL for `options.container`. */
export async function issueContainerSas(auth: IssueAuth, options: IssueOptions): Promise<Sensitive<string>> {
  const now = options.now ?? new Date();
  if (options.lifetimeMs <= 0) throw new UsageError("--lifetime must be positive");
  if (auth.kind === "user-delegation" && options.lifetimeMs > MAX_LIFETIME_MS) throw new UsageError("a user delegation SAS lives at most 7 days", { hint: "use --lifetime 7d or less" });
  // A few minutes of clock skew between this host and Azure must not make a new token "not yet valid".
  const startsOn = new Date(now.getTime() - 5 * 60_000);
  const expiresOn = new Date(now.getTime() + options.lifetimeMs);
  const { BlobServiceClient, ContainerSASPermissions, SASProtocol, StorageSharedKeyCredential, generateBlobSASQueryParameters } = await import("@azure/storage-blob");
  const values = { containerName: options.container, permissions: permissionsFrom((text) => ContainerSASPermissions.parse(text), options.permissions), startsOn, expiresOn, protocol: SASProtocol.HttpsAndHttp };
  try {
    if (auth.kind === "user-delegation") {
      const service = new BlobServiceClient(auth.accountUrl, auth.credential);
      const key: UserDelegationKey = await service.getUserDelegationKey(startsOn, expiresOn);
      const accountName = service.accountName;
      const token = generateBlobSASQueryParameters({ ...values, protocol: SASProtocol.Https }, key, accountName).toString();
      return new Sensitive(`${service.getContainerClient(options.container).url}?${token}`);
    }
    const service = auth.kind === "connection-string" ? BlobServiceClient.fromConnectionString(auth.connectionString.reveal()) : new BlobServiceClient(auth.accountUrl, new StorageSharedKeyCredential(auth.accountName, auth.accountKey.reveal()));
    const credential = service.credential;
    if (!(credential instanceof StorageSharedKeyCredential)) throw new UsageError("the connection string has no account key", { hint: "use an account-key connection string, or --account-url with your Azure login" });
    // Plain HTTP only where the account itself is plain HTTP (Azurite); Azure gets https only.
    const protocol = service.url.startsWith("https:") ? SASProtocol.Https : SASProtocol.HttpsAndHttp;
    const token = generateBlobSASQueryParameters({ ...values, protocol }, credential).toString();
    return new Sensitive(`${service.getContainerClient(options.container).url}?${token}`);
  } catch (error) {
    if (error instanceof OclogError) throw error;
    const status = (error as { statusCode?: number }).statusCode;
    const message = scrub((error as Error).message ?? String(error), auth.kind === "connection-string" ? [auth.connectionString] : auth.kind === "account-key" ? [auth.accountKey] : []);
    throw new IssueError("E_SAS_ISSUE", `could not mint a SAS for ${options.container}: ${message.split("\n")[0]}`, {
      cause: error,
      hint: auth.kind === "user-delegation" ? "your Azure login may have lapsed: run `az login`, and check you hold Storage Blob Delegator on the account" : status === 403 ? "the account key was refused" : "check the account URL and credentials",
    });
  }
}

/** The caller's Azure login (Azure CLI, environment, managed identity), loaded only when used. */
export async function defaultAzureCredential(): Promise<TokenCredential> {
  const { DefaultAzureCredential } = await import("@azure/identity");
  return new DefaultAzureCredential();
}
