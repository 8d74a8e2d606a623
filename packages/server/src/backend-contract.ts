// The hub's contract, in one place for the server's modules.
export type {
  Authenticator,
  Backend,
  BackendConnection,
  BackendOptions,
  BackendStorage,
  CommitRecord,
  ConnectionInfo,
  FanOut,
  StoredLog,
} from '@confab/core/backend';
