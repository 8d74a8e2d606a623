/**
 * What the host did with an invitation (issue 12): sent by mail, or not sent because the server has
 * no SMTP, with the one-time link for the admin to pass on.
 */
export type InviteDelivery = { sent: true } | { sent: false; reason: 'no-smtp'; link: string };

/**
 * How the host delivers invitations. The engine only records the invite; the host makes the
 * one-time link and mails it. The hosted inbox posts to `/api/auth/invites`.
 *
 * @example
 * inbox.teamInvites = {
 *   send: async (agentId) => (await fetch('/api/auth/invites', { method: 'POST', body: JSON.stringify({ agentId }) })).json(),
 * };
 */
export interface TeamInvites {
  send(agentId: string): Promise<InviteDelivery>;
}
