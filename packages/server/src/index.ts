/**
 * @confab/server — Confab's reference backend: HTTP and WebSocket on one port, the core's engine,
 * SQLite storage, channel ingestion and outbound email. Site backends sign identities with @confab/identity
 * (createIdentityToken, also re-exported here).
 */
export {
  startServer,
  DEMO_INGEST_TOKEN,
  DEMO_IDENTITY,
  BODY_LIMITS,
  type StartServerOptions,
  type RunningServer,
} from './server.js';
export {
  createIdentityToken,
  verifyVisitorIdentity,
  IdentityTokenError,
  type IdentityKey,
  type IdentitySettings,
  type IdentityTokenErrorCode,
  type VerifiedIdentity,
  type IdentityTokenOptions,
} from './auth/identity.js';
export {
  createServerAuthenticator,
  hashToken,
  type ServerAuthenticator,
  type ServerAuthenticatorOptions,
} from './auth/authenticator.js';
export {
  createSqliteStorage,
  defaultDataDir,
  type SqliteStorage,
  type WorkspaceStorage,
  type TokenStore,
  type DeliveryStore,
  type DeliveryRecord,
} from './storage/sqlite-storage.js';
export { createMailer, type Mailer, type MailTransport, type MailerOptions } from './mail/mailer.js';
export { messengerSignature } from './channels/messenger.js';
export { verifyWebhookSignature, webhookSignature, WEBHOOK_HEADERS } from './webhooks/webhook-sender.js';
export { WEBHOOK_EVENT_TYPES, type WebhookEvent, type WebhookEventType } from './webhooks/webhook-events.js';
export {
  attachGateway,
  DEFAULT_LIMITS,
  NO_LIMITS,
  CLOSE_UNAUTHENTICATED,
  CLOSE_FORBIDDEN,
  CLOSE_TRY_AGAIN_LATER,
  type GatewayLimits,
  type GatewayOptions,
} from './ws/gateway.js';
export { optionsFromEnv } from './config.js';
export { configFromEnv, ConfigError, ENVIRONMENT, type ServerConfig, type EnvironmentVariable } from './config.js';
export { createLogger, LOG_LEVELS, type Logger, type LogLevel } from './logging.js';
export { backupDatabase, type BackupResult } from './storage/backup.js';
export { SCHEMA_VERSION, NewerSchemaError } from './storage/migrations.js';
export {
  DEFAULT_WORKSPACE,
  UnknownWorkspaceError,
  type WorkspaceRecord,
  type SiteRecord,
} from './storage/workspace-directory.js';
export { WORKSPACE_HEADER } from './http/admin-routes.js';
export { WorkspaceHubs, type WorkspaceHub } from './workspaces/hubs.js';
