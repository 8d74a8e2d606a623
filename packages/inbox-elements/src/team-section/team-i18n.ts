import { pickCatalog } from '../i18n/i18n.js';

// The Team section's words load with it (on first use), not with the inbox's first paint.

/** English words of the Team section. Every other language has this shape. */
const en = {
  title: 'Team',
  member: 'Team member',
  role: 'Role',
  state: 'State',
  lastSeen: 'Last seen',
  actions: 'Actions',
  never: 'Never',
  you: (name: string) => `${name} (you)`,
  roles: { admin: 'Admin', agent: 'Agent' } as Record<string, string>,
  states: { invited: 'Invited', active: 'Active', disabled: 'Disabled' } as Record<string, string>,
  makeAdmin: 'Make admin',
  makeAgent: 'Make agent',
  disable: 'Disable',
  enable: 'Enable',
  resend: 'Resend invite',
  /** Accessible names of a row's buttons: the action and whom it is for. */
  actionFor: (action: string, name: string) => `${action}: ${name}`,
  invite: 'Invite a teammate',
  email: 'Email',
  name: 'Name',
  sendInvite: 'Send invitation',
  sent: (email: string) => `Invitation sent to ${email}.`,
  noSmtp: 'Not sent: this server has no SMTP. Copy this link (shown once) and give it to the invitee:',
  link: 'Invitation link',
  copy: 'Copy',
  copied: 'Link copied.',
  created: (email: string) =>
    `The invitation for ${email} was created. The product you use Confab in sends the invitation.`,
  notSent: (reason: string) => `The invitation was created, but could not be sent: ${reason}`,
  lastAdmin: (name: string) => `${name} is the only active admin. Make another team member an admin first.`,
  emailTaken: 'A team member with this email address already exists.',
  invalidEmail: 'Enter a valid email address.',
  invalidName: 'Enter a name.',
  forbidden: 'Only an admin can manage the team.',
};

export type TeamCatalog = typeof en;

const nl: TeamCatalog = {
  title: 'Team',
  member: 'Teamlid',
  role: 'Rol',
  state: 'Status',
  lastSeen: 'Laatst gezien',
  actions: 'Acties',
  never: 'Nooit',
  you: (name: string) => `${name} (jij)`,
  roles: { admin: 'Beheerder', agent: 'Medewerker' } as Record<string, string>,
  states: { invited: 'Uitgenodigd', active: 'Actief', disabled: 'Uitgeschakeld' } as Record<string, string>,
  makeAdmin: 'Maak beheerder',
  makeAgent: 'Maak medewerker',
  disable: 'Uitschakelen',
  enable: 'Inschakelen',
  resend: 'Uitnodiging opnieuw sturen',
  actionFor: (action: string, name: string) => `${action}: ${name}`,
  invite: 'Teamgenoot uitnodigen',
  email: 'E-mail',
  name: 'Naam',
  sendInvite: 'Uitnodiging versturen',
  sent: (email: string) => `Uitnodiging verstuurd naar ${email}.`,
  noSmtp:
    'Niet verstuurd: deze server heeft geen SMTP. Kopieer deze link (hij wordt één keer getoond) en geef hem aan de genodigde:',
  link: 'Uitnodigingslink',
  copy: 'Kopiëren',
  copied: 'Link gekopieerd.',
  created: (email: string) =>
    `De uitnodiging voor ${email} is aangemaakt. Het product waarin je Confab gebruikt, verstuurt de uitnodiging.`,
  notSent: (reason: string) => `De uitnodiging is aangemaakt, maar kon niet worden verstuurd: ${reason}`,
  lastAdmin: (name: string) => `${name} is de enige actieve beheerder. Maak eerst een ander teamlid beheerder.`,
  emailTaken: 'Er is al een teamlid met dit e-mailadres.',
  invalidEmail: 'Vul een geldig e-mailadres in.',
  invalidName: 'Vul een naam in.',
  forbidden: 'Alleen een beheerder kan het team beheren.',
};

/** The Team section's catalog for a BCP 47 tag, chosen as the inbox's own catalog is. */
export function teamCatalogFor(locale: string): TeamCatalog {
  return pickCatalog({ en, nl }, en, locale);
}
