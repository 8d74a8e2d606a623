import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt cost parameters for agent passwords. N = 2^15, r = 8, p = 1 uses 128·N·r = 32 MiB per
 * check (OWASP's minimum for scrypt is N = 2^17 with r = 8, p = 1 at 128 MiB; 2^15 is the value
 * RFC 7914 and libsodium's "interactive" level use, and keeps a sign-in near 100 ms on a shared
 * core while a GPU rig still pays 32 MiB per guess). packages/server/README.md has the measured time.
 */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** Node refuses scrypt above `maxmem` (32 MiB by default, exactly our need): room for the working set. */
const MAX_MEM = 64 * 1024 * 1024;

/** A password's length limits: 8 characters at least (NIST SP 800-63B), 256 at most (each check costs the same anyway). */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: MAX_MEM };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/**
 * Hashes a password: `scrypt$N$r$p$salt$key` (base64url). The parameters travel with the hash, so
 * stronger ones apply to new passwords without breaking old ones.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, SCRYPT_PARAMS);
  const { N, r, p } = SCRYPT_PARAMS;
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Whether `password` matches `stored` (constant-time comparison). A malformed hash matches nothing. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every(Number.isSafeInteger)) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  const key = await derive(password, salt, { N, r, p });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * A hash no password matches, checked when the email is unknown (or has no password yet): the
 * refusal then costs one scrypt like any wrong password, so timing does not tell whether an
 * account exists.
 */
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(18).toString('base64url'));
  return decoy;
}
let decoy: Promise<string> | null = null;
