import { randomBytes } from 'node:crypto';
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Levels for CONFAB_LOG_LEVEL, most severe first; `silent` writes nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Field names that may hold a secret or what someone wrote. Call sites never log them; this is the
 * second line: should one slip into a log call, its value is replaced.
 */
const REDACTED = [
  'token',
  'password',
  'text',
  'html',
  'secret',
  'authorization',
  'cookie',
  '*.token',
  '*.password',
  '*.text',
  '*.html',
  '*.authorization',
  '*.cookie',
];

/**
 * The server's one logger: JSON lines on standard output (pino), written synchronously so the
 * last lines before an exit are not lost.
 *
 * @example
 * const logger = createLogger('info');
 * logger.warn({ reqId, ip }, 'origin refused');
 */
export function createLogger(level: LogLevel = 'info', destination: NodeJS.WritableStream | number = 1): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED, censor: '[redacted]' },
    },
    typeof destination === 'number' ? pino.destination({ dest: destination, sync: true }) : destination,
  );
}

/** A logger that writes nothing: the default of `startServer` when it is given none. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** A short random id that ties a request's or a connection's log lines together. */
export function newLogId(): string {
  return randomBytes(6).toString('base64url');
}
