import { isEmailAddress } from '@confab/core';
import { IdentityTokenError, verifyIdentityToken, type IdentityKey, type VerifiedIdentity } from '@confab/identity';

// Site backends sign with @confab/identity (no native modules); re-exported for those that already
// load the server.
export {
  createIdentityToken,
  IdentityTokenError,
  type IdentityKey,
  type IdentityTokenErrorCode,
  type IdentityTokenOptions,
  type VerifiedIdentity,
} from '@confab/identity';

/**
 * The keys a server accepts for identity tokens and the audience it is (DESIGN §5). Two keys with
 * different ids are accepted together during a rotation.
 */
export interface IdentitySettings {
  keys: readonly IdentityKey[];
  audience: string;
}

/**
 * The identity in a site-signed token (see @confab/identity), or an IdentityTokenError: bad,
 * expired, other-audience and unknown-key tokens, and — the engine's own rule — a signed email that
 * is not an address, refused before the hello touches anything.
 */
export async function verifyVisitorIdentity(
  token: string,
  settings: IdentitySettings,
  now: number,
): Promise<VerifiedIdentity> {
  const identity = await verifyIdentityToken(token, settings.keys, { audience: settings.audience, now });
  if (!isEmailAddress(identity.email))
    throw new IdentityTokenError('bad-claims', 'The identity token names something that is not an email address.');
  return identity;
}
