import * as v from 'valibot';
import type { StartServerOptions } from './server.js';
import type { IdentityKey, IdentitySettings } from './auth/identity.js';
import { DEFAULT_VISITOR_SESSION_LIFETIME } from './auth/authenticator.js';
import { DEFAULT_AGENT_SESSION_LIFETIME } from './accounts/accounts.js';
import { parsePublicOrigin, normaliseOrigin } from './http/host-check.js';
import { NO_LIMITS } from './ws/gateway.js';
import { LOG_LEVELS, type LogLevel } from './logging.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** One environment variable: how it is checked, and what `--help` and the README say about it. */
export interface EnvironmentVariable {
  name: string;
  /** What a valid value looks like, as the error for a bad one says it. */
  expected: string;
  default: string;
  meaning: string;
  /** Turns the text into its value; fails on anything else. */
  schema: v.GenericSchema<string, unknown>;
  /** Never echoed back in an error (tokens, secrets, URLs with passwords). */
  secret?: boolean;
}

const nonEmpty = v.pipe(v.string(), v.minLength(1));
const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  v.pipe(v.string(), v.regex(/^\d+$/), v.transform(Number), v.minValue(min), v.maxValue(max));
const positiveNumber = v.pipe(
  v.string(),
  v.regex(/^\d+(\.\d+)?$/),
  v.transform(Number),
  v.check((days) => days > 0),
);
const httpUrl = v.pipe(
  v.string(),
  v.check((text) => URL.canParse(text) && ['http:', 'https:'].includes(new URL(text).protocol)),
);
/** `1`/`true` and `0`/`false`: anything else (`yes`, `on`) is refused rather than read as off. */
const flag = v.pipe(
  v.picklist(['1', 'true', '0', 'false']),
  v.transform((text) => text === '1' || text === 'true'),
);
const commaList = (item: (text: string) => string) =>
  v.pipe(
    v.string(),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      try {
        const items = dataset.value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
          .map(item);
        if (items.length > 0) return items;
      } catch {
        // reported below
      }
      addIssue();
      return NEVER;
    }),
  );
const widgetOrigin = (text: string) => {
  if (text === '*') return text;
  const origin = normaliseOrigin(text);
  if (origin === null) throw new Error(text);
  return text;
};
const smtpUrl = v.pipe(
  v.string(),
  v.check((text) => URL.canParse(text) && ['smtp:', 'smtps:'].includes(new URL(text).protocol)),
);

const redisUrl = v.pipe(
  v.string(),
  v.check((text) => URL.canParse(text) && ['redis:', 'rediss:'].includes(new URL(text).protocol)),
);

const postgresUrl = v.pipe(
  v.string(),
  v.check((text) => URL.canParse(text) && ['postgres:', 'postgresql:'].includes(new URL(text).protocol)),
);

/**
 * Every variable the server reads, in the order `--help` and the README list them. The server
 * refuses to start when one is set to something it does not understand (an empty value counts as
 * unset), naming each bad variable and what it expected.
 */
export const ENVIRONMENT: EnvironmentVariable[] = [
  {
    name: 'PORT',
    expected: 'a port number, 0 to 65535',
    default: '4747',
    meaning: 'HTTP and WebSocket port (`/ws`)',
    schema: wholeNumber(0, 65535),
  },
  {
    name: 'HOST',
    expected: 'an interface name or address',
    default: 'all interfaces; `localhost` in demo mode',
    meaning: 'listen address',
    schema: nonEmpty,
  },
  {
    name: 'CONFAB_DATA_DIR',
    expected: 'a directory path',
    default: '`./.data`',
    meaning: 'where `confab.sqlite` lives',
    schema: nonEmpty,
  },
  {
    name: 'CONFAB_DATABASE_URL',
    expected: 'a postgres:// or postgresql:// URL',
    default: '— (everything stays in `confab.sqlite`)',
    meaning: 'PostgreSQL for everything stored; processes on one database are one service',
    schema: postgresUrl,
    secret: true,
  },
  {
    name: 'CONFAB_DATABASE_POOL_SIZE',
    expected: 'a whole number, 1 to 1000',
    default: '10',
    meaning: 'connections this process keeps to PostgreSQL, shared by all its workspaces',
    schema: wholeNumber(1, 1000),
  },
  {
    name: 'CONFAB_CLUSTER_POLL_MS',
    expected: 'a whole number of milliseconds, 50 to 60000',
    default: '1000',
    meaning: "how often a process on PostgreSQL reads its workspaces' heads to catch up with the others",
    schema: wholeNumber(50, 60_000),
  },
  {
    name: 'CONFAB_REDIS_URL',
    expected: 'a redis:// or rediss:// URL',
    default: '— (the next poll brings it)',
    meaning: 'Redis, with a database: processes tell each other at once what they committed',
    schema: redisUrl,
    secret: true,
  },
  {
    name: 'CONFAB_DEMO',
    expected: '1 or 0 (true or false)',
    default: 'off; `--demo` turns it on',
    meaning: 'demo mode: seed data, demo sign-in (never in production)',
    schema: flag,
  },
  {
    name: 'CONFAB_PUBLIC_URL',
    expected: 'comma-separated public URLs, each an origin such as https://chat.example.com (no path)',
    default: '— (localhost, IP addresses, `HOST`)',
    meaning: 'origins the server is reached at: its Host names and its own origins',
    schema: commaList(parsePublicOrigin),
  },
  {
    name: 'CONFAB_TRUST_PROXY',
    expected: '1 or 0 (true or false)',
    default: 'off',
    meaning: '`1` behind one reverse proxy: client address and scheme from `X-Forwarded-For` / `-Proto`',
    schema: flag,
  },
  {
    name: 'CONFAB_ALLOWED_ORIGINS',
    expected: 'comma-separated origins such as https://shop.example.com, or *',
    default: '— (own origin only)',
    meaning: 'pages of these origins may open visitor chats',
    schema: commaList(widgetOrigin),
  },
  {
    name: 'CONFAB_ADMIN_TOKEN',
    expected: 'a token',
    default: '— (admin API off)',
    meaning: 'bearer token for `/api/admin/*` and `/health?details`',
    schema: nonEmpty,
    secret: true,
  },
  {
    name: 'CONFAB_METRICS_TOKEN',
    expected: 'a token',
    default: '— (`/metrics` off; open in demo mode)',
    meaning: 'bearer token for `GET /metrics` (Prometheus)',
    schema: nonEmpty,
    secret: true,
  },
  {
    name: 'CONFAB_INGEST_TOKEN',
    expected: 'a token',
    default: '— (channels off)',
    meaning: 'bearer token for the email and form endpoints',
    schema: nonEmpty,
    secret: true,
  },
  {
    name: 'CONFAB_MESSENGER_APP_SECRET',
    expected: 'a secret',
    default: '—',
    meaning: 'Messenger webhook signature key',
    schema: nonEmpty,
    secret: true,
  },
  {
    name: 'CONFAB_MESSENGER_VERIFY_TOKEN',
    expected: 'a token',
    default: '—',
    meaning: 'Messenger webhook verification token',
    schema: nonEmpty,
    secret: true,
  },
  {
    name: 'CONFAB_MESSENGER_PAGE_TOKEN',
    expected: 'a token',
    default: '— (replies stay queued)',
    meaning: "the default workspace's page access token: its page's messages and replies (Send API)",
    schema: nonEmpty,
    secret: true,
  },
  {
    name: 'CONFAB_MESSENGER_API_URL',
    expected: 'an http(s) URL',
    default: '`https://graph.facebook.com/v21.0`',
    meaning: 'base URL of the Graph API the Send API is called at',
    schema: httpUrl,
  },
  {
    name: 'CONFAB_IDENTITY_KEYS',
    expected: 'kid:secret pairs separated by commas',
    default: '—',
    meaning: 'identity verification keys by key id (`kid` of the JWT): two during a rotation',
    schema: nonEmpty,
    secret: true,
  },
  {
    name: 'CONFAB_IDENTITY_SECRET',
    expected: 'a secret',
    default: '—',
    meaning: 'identity verification key for tokens without `kid`',
    schema: nonEmpty,
    secret: true,
  },
  {
    name: 'CONFAB_IDENTITY_AUDIENCE',
    expected: 'an audience name',
    default: '`confab`',
    meaning: 'identity tokens must name this audience',
    schema: nonEmpty,
  },
  {
    name: 'CONFAB_SMTP_URL',
    expected: 'an smtp:// or smtps:// URL',
    default: '— (mail stays queued)',
    meaning: 'SMTP for outbound email',
    schema: smtpUrl,
    secret: true,
  },
  {
    name: 'CONFAB_SMTP_INBOUND_PORT',
    expected: 'a port number (1–65535)',
    default: '— (off)',
    meaning: "built-in SMTP listener: mail for the team's address becomes conversations, as the email endpoint",
    schema: wholeNumber(1, 65535),
  },
  {
    name: 'CONFAB_EMAIL_RETRY_HOURS',
    expected: 'a number of hours above 0',
    default: '`24`',
    meaning: 'how long an outbound email is retried (backoff up to 15 min) before it is marked failed',
    schema: positiveNumber,
  },
  {
    name: 'CONFAB_WEBHOOK_RETRY_HOURS',
    expected: 'a number of hours above 0',
    default: '`24`',
    meaning: 'how long a webhook delivery is retried (backoff up to 1 h) before it is marked failed',
    schema: positiveNumber,
  },
  {
    name: 'CONFAB_WEBHOOK_PRIVATE_NETWORKS',
    expected: 'allow or deny',
    default: '`deny`',
    meaning: '`allow` lets webhooks reach loopback and private addresses (a receiver on your own network)',
    schema: v.picklist(['allow', 'deny']),
  },
  {
    name: 'CONFAB_LOG_LEVEL',
    expected: LOG_LEVELS.join(', '),
    default: '`info`',
    meaning: 'least severe log level written (JSON lines on standard output)',
    schema: v.picklist(LOG_LEVELS),
  },
  {
    name: 'CONFAB_RETENTION',
    expected: 'a whole number of events, at least 1',
    default: '10000',
    meaning: 'events kept in memory for resume; further back a client resyncs in full',
    schema: wholeNumber(1),
  },
  {
    name: 'CONFAB_SNAPSHOT_EVERY_EVENTS',
    expected: 'a whole number of events, at least 1',
    default: '10000',
    meaning: 'a snapshot of the state after this many events: a start loads it and the events after it',
    schema: wholeNumber(1),
  },
  {
    name: 'CONFAB_SNAPSHOT_EVERY_MINUTES',
    expected: 'a whole number of minutes, at least 1',
    default: '10',
    meaning: '… or this long after the last one, when any event came since',
    schema: wholeNumber(1),
  },
  {
    name: 'CONFAB_IDEMPOTENCY_DAYS',
    expected: 'a positive number of days',
    default: '30',
    meaning: 'outcomes kept this long; a command queued longer ago is refused (`expired`)',
    schema: positiveNumber,
  },
  {
    name: 'CONFAB_WORKSPACE_IDLE_MINUTES',
    expected: 'a whole number of minutes, at least 1',
    default: '10',
    meaning: "a workspace's hub with no open sockets is unloaded this long after its last use",
    schema: wholeNumber(1),
  },
  {
    name: 'CONFAB_VISITOR_SESSION_IDLE_DAYS',
    expected: 'a positive number of days',
    default: '30',
    meaning: 'a visitor session ends this many days after its last use',
    schema: positiveNumber,
  },
  {
    name: 'CONFAB_VISITOR_SESSION_MAX_DAYS',
    expected: 'a positive number of days',
    default: '400',
    meaning: '… and this many days after it began (not less than the idle days)',
    schema: positiveNumber,
  },
  {
    name: 'CONFAB_AGENT_SESSION_IDLE_DAYS',
    expected: 'a positive number of days',
    default: '7',
    meaning: "an agent's sign-in session ends this many days after its last use",
    schema: positiveNumber,
  },
  {
    name: 'CONFAB_AGENT_SESSION_MAX_DAYS',
    expected: 'a positive number of days',
    default: '30',
    meaning: '… and this many days after sign-in',
    schema: positiveNumber,
  },
  {
    name: 'CONFAB_RATE_LIMITS',
    expected: 'on or off',
    default: '`on`',
    meaning: '`off` disables rate limits (loopback benchmarks only)',
    schema: v.picklist(['on', 'off']),
  },
  {
    name: 'CONFAB_TEST_CLOCK',
    expected: '1 or 0 (true or false)',
    default: 'off',
    meaning: '`1` enables `/api/test/clock` (tests only)',
    schema: flag,
  },
];

/** The configuration was refused: `problems` names each bad variable and what it expected. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`The configuration is not valid:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The server's options and its log level, from environment variables (ENVIRONMENT). */
export interface ServerConfig {
  options: StartServerOptions;
  logLevel: LogLevel;
}

/**
 * Reads and checks every variable of ENVIRONMENT; throws a ConfigError naming all bad ones at once.
 *
 * @example
 * const { options, logLevel } = configFromEnv(process.env, { demo: false });
 */
export function configFromEnv(env: NodeJS.ProcessEnv, defaults: { demo: boolean }): ServerConfig {
  const problems: string[] = [];
  const values = new Map<string, unknown>();
  for (const variable of ENVIRONMENT) {
    const text = env[variable.name];
    if (text === undefined || text === '') continue;
    const result = v.safeParse(variable.schema, text);
    if (result.success) values.set(variable.name, result.output);
    else
      problems.push(
        `${variable.name}: expected ${variable.expected}, not ${variable.secret ? 'the value given' : JSON.stringify(text)}`,
      );
  }
  const get = <T>(name: string): T | undefined => values.get(name) as T | undefined;

  const visitorSessionLifetime = lifetime(get, 'CONFAB_VISITOR_SESSION', DEFAULT_VISITOR_SESSION_LIFETIME, problems);
  const agentSessionLifetime = lifetime(get, 'CONFAB_AGENT_SESSION', DEFAULT_AGENT_SESSION_LIFETIME, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const options: StartServerOptions = {
    port: get<number>('PORT') ?? 4747,
    demo: get<boolean>('CONFAB_DEMO') ?? defaults.demo,
    testClock: get<boolean>('CONFAB_TEST_CLOCK') ?? false,
  };
  const host = get<string>('HOST');
  if (host) options.host = host;
  if (get<boolean>('CONFAB_TRUST_PROXY')) options.trustProxy = true;
  const dataDir = get<string>('CONFAB_DATA_DIR');
  if (dataDir) options.dataDir = dataDir;
  const databaseUrl = get<string>('CONFAB_DATABASE_URL');
  if (databaseUrl) options.databaseUrl = databaseUrl;
  const databasePoolSize = get<number>('CONFAB_DATABASE_POOL_SIZE');
  if (databasePoolSize !== undefined) options.databasePoolSize = databasePoolSize;
  const clusterPollMs = get<number>('CONFAB_CLUSTER_POLL_MS');
  if (clusterPollMs !== undefined) options.clusterPollMs = clusterPollMs;
  const redis = get<string>('CONFAB_REDIS_URL');
  if (redis) options.redisUrl = redis;
  const ingestToken = get<string>('CONFAB_INGEST_TOKEN');
  if (ingestToken) options.ingestToken = ingestToken;
  const adminToken = get<string>('CONFAB_ADMIN_TOKEN');
  if (adminToken) options.adminToken = adminToken;
  const metricsToken = get<string>('CONFAB_METRICS_TOKEN');
  if (metricsToken) options.metricsToken = metricsToken;
  const appSecret = get<string>('CONFAB_MESSENGER_APP_SECRET');
  const verifyToken = get<string>('CONFAB_MESSENGER_VERIFY_TOKEN');
  const pageToken = get<string>('CONFAB_MESSENGER_PAGE_TOKEN');
  const apiUrl = get<string>('CONFAB_MESSENGER_API_URL');
  if (appSecret || verifyToken || pageToken || apiUrl)
    options.messenger = {
      ...(appSecret ? { appSecret } : {}),
      ...(verifyToken ? { verifyToken } : {}),
      ...(pageToken ? { pageToken } : {}),
      ...(apiUrl ? { apiUrl } : {}),
    };
  try {
    const identity = identityFromEnv(env);
    if (identity) options.identity = identity;
  } catch (error) {
    problems.push((error as Error).message);
  }
  const publicOrigins = get<string[]>('CONFAB_PUBLIC_URL');
  if (publicOrigins) options.publicOrigins = publicOrigins;
  const allowedOrigins = get<string[]>('CONFAB_ALLOWED_ORIGINS');
  if (allowedOrigins) options.allowedOrigins = allowedOrigins;
  const smtp = get<string>('CONFAB_SMTP_URL');
  if (smtp) options.smtpUrl = smtp;
  const smtpInboundPort = get<number>('CONFAB_SMTP_INBOUND_PORT');
  if (smtpInboundPort !== undefined) options.smtpInboundPort = smtpInboundPort;
  const emailRetryHours = get<number>('CONFAB_EMAIL_RETRY_HOURS');
  if (emailRetryHours !== undefined) options.emailRetryWindowMs = emailRetryHours * 60 * 60 * 1000;
  const webhookRetryHours = get<number>('CONFAB_WEBHOOK_RETRY_HOURS');
  if (webhookRetryHours !== undefined) options.webhookRetryWindowMs = webhookRetryHours * 60 * 60 * 1000;
  if (get<string>('CONFAB_WEBHOOK_PRIVATE_NETWORKS') === 'allow') options.webhookPrivateNetworks = true;
  if (get<string>('CONFAB_RATE_LIMITS') === 'off') {
    options.limits = NO_LIMITS;
    options.httpLimits = { burst: Infinity, perSecond: Infinity };
  }
  if (visitorSessionLifetime) options.visitorSessionLifetime = visitorSessionLifetime;
  if (agentSessionLifetime) options.agentSessionLifetime = agentSessionLifetime;
  const retention = get<number>('CONFAB_RETENTION');
  if (retention !== undefined) options.retention = retention;
  const snapshotEveryEvents = get<number>('CONFAB_SNAPSHOT_EVERY_EVENTS');
  if (snapshotEveryEvents !== undefined) options.snapshotEveryEvents = snapshotEveryEvents;
  const snapshotEveryMinutes = get<number>('CONFAB_SNAPSHOT_EVERY_MINUTES');
  if (snapshotEveryMinutes !== undefined) options.snapshotEveryMs = snapshotEveryMinutes * 60_000;
  const idempotencyDays = get<number>('CONFAB_IDEMPOTENCY_DAYS');
  if (idempotencyDays !== undefined) options.idempotencyWindowMs = idempotencyDays * 24 * 60 * 60 * 1000;
  const workspaceIdleMinutes = get<number>('CONFAB_WORKSPACE_IDLE_MINUTES');
  if (workspaceIdleMinutes !== undefined) options.workspaceIdleMs = workspaceIdleMinutes * 60 * 1000;
  return { options, logLevel: get<LogLevel>('CONFAB_LOG_LEVEL') ?? 'info' };
}

/** The server options alone (configFromEnv); throws a ConfigError on a bad variable. */
export function optionsFromEnv(env: NodeJS.ProcessEnv, defaults: { demo: boolean }): StartServerOptions {
  return configFromEnv(env, defaults).options;
}

/**
 * The identity keys the server accepts: `CONFAB_IDENTITY_KEYS=kid1:secret1,kid2:secret2` checks
 * tokens by their `kid` header (two during a rotation), `CONFAB_IDENTITY_SECRET` is a key without
 * id (tokens without `kid`); both may be set. Audience `CONFAB_IDENTITY_AUDIENCE`, default `confab`.
 * Undefined when neither a key nor an audience is set.
 */
export function identityFromEnv(env: NodeJS.ProcessEnv): IdentitySettings | undefined {
  const keys: IdentityKey[] = [];
  for (const [index, entry] of (env.CONFAB_IDENTITY_KEYS ?? '').split(',').entries()) {
    if (!entry.trim()) continue;
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon).trim();
    const secret = entry.slice(colon + 1).trim();
    if (colon < 0 || !id || !secret)
      // The entry itself is not repeated: it may hold a secret.
      throw new Error(`CONFAB_IDENTITY_KEYS entry ${index + 1} is not kid:secret (pairs separated by commas)`);
    if (keys.some((key) => key.id === id)) throw new Error(`CONFAB_IDENTITY_KEYS names the key id ${id} twice`);
    keys.push({ id, secret });
  }
  if (env.CONFAB_IDENTITY_SECRET) keys.push({ secret: env.CONFAB_IDENTITY_SECRET });
  // An audience alone is for the workspaces' own keys (the admin API's identity keys).
  if (!keys.length && !env.CONFAB_IDENTITY_AUDIENCE) return undefined;
  return { keys, audience: env.CONFAB_IDENTITY_AUDIENCE || 'confab' };
}

/** `<prefix>_IDLE_DAYS` and `<prefix>_MAX_DAYS`, or undefined when neither is set. */
function lifetime(
  get: <T>(name: string) => T | undefined,
  prefix: string,
  defaults: { idleMs: number; absoluteMs: number },
  problems: string[],
): { idleMs: number; absoluteMs: number } | undefined {
  const idleDays = get<number>(`${prefix}_IDLE_DAYS`);
  const maxDays = get<number>(`${prefix}_MAX_DAYS`);
  if (idleDays === undefined && maxDays === undefined) return undefined;
  const result = {
    idleMs: idleDays === undefined ? defaults.idleMs : idleDays * DAY_MS,
    absoluteMs: maxDays === undefined ? defaults.absoluteMs : maxDays * DAY_MS,
  };
  // An idle limit past the absolute one would promise what the absolute one takes away.
  if (result.idleMs > result.absoluteMs)
    problems.push(`${prefix}_IDLE_DAYS: expected no more than ${prefix}_MAX_DAYS (${result.absoluteMs / DAY_MS} days)`);
  return result;
}

/** `--help`: the commands and every environment variable. */
export function helpText(version: string): string {
  const width = Math.max(...ENVIRONMENT.map((variable) => variable.name.length));
  const plain = (text: string) => text.replace(/`/g, '');
  return `confab-server ${version} — Confab's reference server

Usage:
  confab-server [--demo] [--mount=/path=dir]     start (production mode unless --demo or CONFAB_DEMO=1);
                                                  --mount serves a directory of your own at /path/
  confab-server create-workspace --id ID [--name N]
                                                  a new workspace; prints its admin and ingest tokens (once)
  confab-server create-agent --email E --name N --role admin|agent [--workspace W]
                                                  create an agent; the password comes on standard input
  confab-server reset-password --email E [--workspace W]
                                                  print a one-time link to set a new password
  confab-server issue-agent-token <agentId> [label]
                                                  print a new agent token (stored hashed)
  confab-server list-agent-tokens [agentId]       list tokens (ids, never the tokens)
  confab-server backup <file>                     copy the database to <file> while the server runs
  confab-server migrate                           bring the database's schema up to date, then exit
  confab-server --help | --version

Environment (an empty value counts as unset; a bad value stops the server with exit code 1):
${ENVIRONMENT.map((variable) => `  ${variable.name.padEnd(width)}  ${plain(variable.meaning)} (default ${plain(variable.default)})`).join('\n')}
`;
}
