/**
 * Choosing the credential and opening one container: a connection string, or an account URL with
 * a SAS (option or environment) or an Azure login (DefaultAzureCredential, imported only when
 * used). Malformed or unsafe settings are usage errors before any request; secrets go into
 * `Sensitive` wrappers the adapter scrubs from every message.
 */
import { AnonymousCredential, ContainerClient, type StoragePipelineOptions } from "@azure/storage-blob";
import { UsageError } from "@oclog/errors";
import { DEFAULT_SAS_ENV } from "../defaults.js";
import { quoteUntrusted, scrub, Sensitive } from "../sensitive.js";
import { BlobSource, DEFAULT_RETRY, type RetryPolicy } from "./blob-source.js";
import { validateContainerName } from "./container-name.js";

interface CommonOptions {
  container: string;
  retry?: Partial<RetryPolicy>;
  /** Where to look for the SAS variable; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Name of the SAS variable; default AZURE_STORAGE_SAS. */
  sasEnv?: string;
}

/**
 * How to reach the container. With `accountUrl`: `sas` if given, else `credential: "default"`
 * if given, else the SAS in the environment if set, else DefaultAzureCredential.
 */
export type BlobSourceOptions = CommonOptions &
  (
    | { connectionString: string | Sensitive<string> }
    | { accountUrl: string; sas?: string | Sensitive<string> | undefined; credential?: "default" | undefined }
  );


const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Connects to one container (no request yet); UsageError for malformed or unsafe settings. */
export async function openBlobSource(options: BlobSourceOptions): Promise<BlobSource> {
  // Checked again here: the name becomes part of every request URL.
  validateContainerName(options.container, "container");
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1) throw new UsageError("retry attempts must be a positive integer");
  // Retries are done here (bounded, per page or per download); the SDK's would multiply them.
  const pipelineOptions: StoragePipelineOptions = { retryOptions: { maxTries: 1 } };

  if ("connectionString" in options) {
    const connectionString = Sensitive.wrap(options.connectionString);
    const secrets = [connectionString, ...connectionStringSecrets(connectionString.reveal())];
    let client: ContainerClient;
    try {
      client = new ContainerClient(connectionString.reveal(), options.container, pipelineOptions);
    } catch {
      // The SDK's message may quote the string; ours does not.
      throw new UsageError("the storage connection string is malformed", {
        hint: "expected DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;EndpointSuffix=core.windows.net (or with BlobEndpoint=... and SharedAccessSignature=...)",
      });
    }
    return new BlobSource({ client, container: options.container, label: stripQuery(client.url), secrets, auth: "connection-string", retry });
  }

  const accountUrl = checkAccountUrl(options.accountUrl);
  const sasEnv = options.sasEnv ?? DEFAULT_SAS_ENV;
  const fromEnv = (options.env ?? process.env)[sasEnv];
  const sasValue =
    options.sas !== undefined ? Sensitive.wrap(options.sas) : options.credential === "default" || !fromEnv ? undefined : new Sensitive(fromEnv);
  const containerUrl = `${accountUrl}/${encodeURIComponent(options.container)}`;
  if (sasValue !== undefined) {
    const sas = sasValue.reveal().trim().replace(/^\?/, "");
    const where = options.sas !== undefined ? "the SAS" : `the SAS in ${sasEnv}`;
    const params = new URLSearchParams(sas);
    if (!params.get("sig")) {
      throw new UsageError(`${where} does not look like a SAS token (it has no sig= parameter)`, {
        hint: "use the query part of a SAS URL (sv=...&sp=rl&...&sig=...), with or without the leading ?",
      });
    }
    const secrets = [sasValue, new Sensitive(sas)];
    const client = new ContainerClient(`${containerUrl}?${sas}`, new AnonymousCredential(), pipelineOptions);
    const expiry = params.get("se");
    const sasInfo: { permissions?: string; expiresOn?: Date } = {};
    const permissions = params.get("sp");
    if (permissions !== null) sasInfo.permissions = permissions;
    if (expiry && !Number.isNaN(Date.parse(expiry))) sasInfo.expiresOn = new Date(expiry);
    return new BlobSource({ client, container: options.container, label: containerUrl, secrets, auth: "sas", retry, sasInfo });
  }

  // Imported only here: tests and SAS users never load the Azure identity stack.
  const { DefaultAzureCredential } = await import("@azure/identity");
  const client = new ContainerClient(containerUrl, new DefaultAzureCredential(), pipelineOptions);
  return new BlobSource({ client, container: options.container, label: containerUrl, secrets: [], auth: "azure-login", retry });
}

/** The account URL without a trailing slash; UsageError for a query string, credentials or plain http off loopback. */
function checkAccountUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--account-url: ${quoteUntrusted(scrub(value), 200)} is not a URL`, { hint: "e.g. https://myaccount.blob.core.windows.net" });
  }
  if (url.search || url.hash || url.username || url.password) {
    // A SAS pasted into the URL would sit in argv and shell history for anyone to read.
    throw new UsageError(`--account-url: ${quoteUntrusted(stripQuery(value), 200)} must not carry a query string, fragment or credentials`, {
      hint: `pass the SAS through the ${DEFAULT_SAS_ENV} environment variable (--sas-env), not in the URL`,
    });
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
    throw new UsageError(`--account-url: ${quoteUntrusted(value, 200)} must use https (plain http is allowed only on loopback, for Azurite)`, {
      hint: "e.g. https://myaccount.blob.core.windows.net",
    });
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

function stripQuery(url: string): string {
  return url.replace(/[?#].*$/s, "");
}

function connectionStringSecrets(connectionString: string): Sensitive<string>[] {
  const out: Sensitive<string>[] = [];
  for (const match of connectionString.matchAll(/(?:^|;)\s*(AccountKey|SharedAccessSignature)\s*=\s*([^;]+)/gi)) out.push(new Sensitive(match[2]!.trim()));
  return out;
}
