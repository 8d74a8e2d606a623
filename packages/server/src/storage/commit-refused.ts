/** Why a storage refused a commit; the store is as it was before. */
export type CommitRefusal =
  /** The events start after the log's head: some sequence numbers would be missing. */
  | 'gap'
  /** The events start at or before the head: another commit took these numbers first. */
  | 'overlap'
  /** The command id already has an outcome: the command ran already. */
  | 'command-done'
  /** The record is not of the shape a commit needs (numbering, outcome, key, time). */
  | 'malformed';

/**
 * A commit the storage would not store. It is typed so the caller can tell a lost race
 * (`overlap`, `command-done`: catch up and answer from the stored outcome) from a bug.
 */
export class CommitRefusedError extends Error {
  constructor(
    readonly reason: CommitRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'CommitRefusedError';
  }
}
