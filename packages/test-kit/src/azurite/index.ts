// `@oclog/test-kit/azurite`: the real Azurite blob service and what tests do with it.
export { startAzurite, azuriteBlobBin, acceptsConnections, AZURITE_ACCOUNT, AZURITE_KEY } from "./azurite.js";
export type { Azurite, StartAzuriteOptions } from "./azurite.js";
export { uploadDirectory, uploadRawBlob, createContainer, downloadContainer } from "./container-blobs.js";
export type { StoredBlob } from "./container-blobs.js";
export { mintContainerSas } from "./container-sas.js";
