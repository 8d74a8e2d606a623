import { emailKey } from '../engine/email.js';
import type { Persistence } from '../persistence/persistence.js';
import type { Session } from './session.js';

/**
 * A visitor's identity token, on start: when it names another person than the one whose data this
 * browser holds, forgets that data. Resolves true when the person is new here (do not resume).
 * Loaded only by visitor clients given an identity.
 */
export async function adoptIdentity(session: Session, persistence: Persistence, identity: string): Promise<boolean> {
  const subject = identitySubject(identity);
  const storedSubject = await persistence.get<string>(session.key('identity'));
  // Another person signed in on this browser: nothing of the one before may show or be sent,
  // and their session must not travel with the new identity.
  if (storedSubject !== undefined && storedSubject !== subject) await session.forgetStored(persistence);
  if (storedSubject === subject) return false;
  await persistence.set(session.key('identity'), subject);
  return true;
}

/**
 * Who an identity token names, to tell whether the person changed since the data on this browser
 * was stored. Read without checking the signature: the server checks it; this only decides what
 * to forget locally. A token this cannot read counts as its own person.
 */
export function identitySubject(identityToken: string): string {
  try {
    const payload = JSON.parse(atob(identityToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as {
      email?: unknown;
    };
    if (typeof payload.email === 'string' && payload.email) return `email:${emailKey(payload.email)}`;
  } catch {
    // Not the server's format; fall through.
  }
  return `token:${identityToken}`;
}
