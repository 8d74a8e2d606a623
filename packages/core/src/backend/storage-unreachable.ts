/**
 * Storage could not be reached, or did not answer in time. Whether the command was stored is not
 * known (a COMMIT may have been sent and its answer lost), so it is not answered "nothing was
 * changed": the hub closes the link with 1012 and the client re-sends the same command id, here or
 * on another process, where the stored outcome (if any) answers it.
 */
export class StorageUnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageUnreachableError';
  }
}
