// Container SAS for tests, signed with Azurite's (public) account key.
import { ContainerSASPermissions, StorageSharedKeyCredential, generateBlobSASQueryParameters } from "@azure/storage-blob";

/**
 * A container SAS query string (no leading `?`) signed with the account key, e.g. `rl` for
 * read+list or `c` for a deliberately wrong permission. For tests; production SAS come from rotation.
 */
export function mintContainerSas(
  account: { accountName: string; accountKey: string },
  container: string,
  permissions: string,
  options: { startsOn?: Date; expiresOn?: Date } = {},
): string {
  const now = Date.now();
  return generateBlobSASQueryParameters(
    {
      containerName: container,
      permissions: ContainerSASPermissions.parse(permissions),
      // A little in the past so clock skew between this process and the service does not matter.
      startsOn: options.startsOn ?? new Date(now - 5 * 60_000),
      expiresOn: options.expiresOn ?? new Date(now + 60 * 60_000),
    },
    new StorageSharedKeyCredential(account.accountName, account.accountKey),
  ).toString();
}
