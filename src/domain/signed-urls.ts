/** Shared by the blob store (which signs URLs) and the HTTP route (which serves them). */
export type SignedMethod = "PUT" | "GET";

export const SIGNED_BLOBS_PATH = "/_launch_local/signed-blobs";

export const INVALID_SIGNATURE = "Invalid or expired signature";
