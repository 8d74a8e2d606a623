import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, ENVIRONMENT, configFromEnv } from './config.js';
import { tempDataDir } from './testing/harness.test-util.js';

const BIN = fileURLToPath(new URL('./bin/confab-server.js', import.meta.url));
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

/** Runs the binary to its end with only `env` (and PATH) in its environment. */
function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const problemsOf = (env: Record<string, string>) => {
  try {
    configFromEnv(env, { demo: false });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('configuration from the environment', () => {
  test('each bad variable is named with what it expected; all of them at once', () => {
    const problems = problemsOf({
      CONFAB_RETENTION: 'abc',
      CONFAB_DEMO: 'yes',
      PORT: '70000',
      CONFAB_LOG_LEVEL: 'loud',
      CONFAB_RATE_LIMITS: 'no',
      CONFAB_ALLOWED_ORIGINS: 'shop.example.com',
      CONFAB_SMTP_URL: 'http://user:hunter2@mail.example.com',
    });
    assert.deepEqual(problems, [
      'PORT: expected a port number, 0 to 65535, not "70000"',
      'CONFAB_DEMO: expected 1 or 0 (true or false), not "yes"',
      'CONFAB_ALLOWED_ORIGINS: expected comma-separated origins such as https://shop.example.com, or *, not "shop.example.com"',
      'CONFAB_SMTP_URL: expected an smtp:// or smtps:// URL, not the value given',
      'CONFAB_LOG_LEVEL: expected fatal, error, warn, info, debug, trace, silent, not "loud"',
      'CONFAB_RETENTION: expected a whole number of events, at least 1, not "abc"',
      'CONFAB_RATE_LIMITS: expected on or off, not "no"',
    ]);
  });

  test('good values become options; an empty value counts as unset', () => {
    const { options, logLevel } = configFromEnv(
      {
        PORT: '8080',
        CONFAB_DEMO: 'true',
        CONFAB_RETENTION: '500',
        CONFAB_LOG_LEVEL: 'warn',
        CONFAB_ALLOWED_ORIGINS: 'https://shop.example.com, *',
        CONFAB_METRICS_TOKEN: 'metrics-secret',
        CONFAB_ADMIN_TOKEN: '',
      },
      { demo: false },
    );
    assert.equal(options.port, 8080);
    assert.equal(options.demo, true);
    assert.equal(options.retention, 500);
    assert.equal(logLevel, 'warn');
    assert.deepEqual(options.allowedOrigins, ['https://shop.example.com', '*']);
    assert.equal(options.metricsToken, 'metrics-secret');
    assert.equal(options.adminToken, undefined);
    assert.equal(configFromEnv({ CONFAB_DEMO: '0' }, { demo: true }).options.demo, false, 'CONFAB_DEMO=0 beats --demo');
  });

  test('a bad value stops the binary with exit code 1 before it opens anything, and no secret is echoed', () => {
    const dataDir = tempDataDir('confab-config-');
    try {
      const result = run([], {
        CONFAB_DATA_DIR: `${dataDir}/never`,
        CONFAB_RETENTION: 'abc',
        CONFAB_DEMO: 'yes',
        CONFAB_SMTP_URL: 'ftp://user:hunter2@mail.example.com',
      });
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, /CONFAB_RETENTION: expected a whole number of events, at least 1, not "abc"/);
      assert.match(result.stderr, /CONFAB_DEMO: expected 1 or 0/);
      assert.match(result.stderr, /CONFAB_SMTP_URL: expected an smtp:\/\/ or smtps:\/\/ URL/);
      assert.doesNotMatch(result.stderr + result.stdout, /hunter2/);
      assert.equal(result.stdout, '');
      assert.throws(() => readFileSync(`${dataDir}/never/confab.sqlite`), 'no data directory was made');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('--help lists the commands and every variable; --version prints the version; an unknown command exits 2', () => {
    const help = run(['--help']);
    assert.equal(help.status, 0);
    for (const command of ['create-agent', 'reset-password', 'backup <file>', 'migrate', '--version'])
      assert.ok(help.stdout.includes(command), command);
    for (const variable of ENVIRONMENT) assert.ok(help.stdout.includes(variable.name), variable.name);
    const version = run(['--version']);
    assert.equal(version.status, 0);
    assert.equal(version.stdout.trim(), VERSION);
    const unknown = run(['serve']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command or option serve \(confab-server --help lists them\)/);
  });
});
