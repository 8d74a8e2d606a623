import { pickCatalog } from '../i18n/i18n.js';

// The notifications' words load with them (after the inbox's first paint), not with it.

/** English words of the notifications. Every other language has this shape. */
const en = {
  notifications: 'Notifications',
  notificationsUnread: (count: number) => `Notifications, ${count} unread`,
  noNotifications: 'Nothing new since the inbox opened.',
  notifyMeOf: 'Notify me of',
  notificationKinds: {
    mention: 'Mentions of me',
    'new-chat': 'New chats assigned to me',
    reply: 'Replies in my conversations',
  } as Record<'mention' | 'new-chat' | 'reply', string>,
  notificationText: {
    mention: (from: string, text: string) => `${from} mentioned you: ${text}`,
    'new-chat': (from: string, text: string) => `New chat from ${from}: ${text}`,
    reply: (from: string, text: string) => `${from} replied: ${text}`,
  } as Record<'mention' | 'new-chat' | 'reply', (from: string, text: string) => string>,
  notificationSound: 'Play a sound',
  desktopNotifications: 'Desktop notifications while the inbox is in the background',
  desktopBlocked: 'This browser blocks notifications from this site; allow them in its site settings.',
};

export type NotificationsCatalog = typeof en;

const nl: NotificationsCatalog = {
  notifications: 'Meldingen',
  notificationsUnread: (count) => `Meldingen, ${count} ongelezen`,
  noNotifications: 'Niets nieuws sinds de inbox openging.',
  notifyMeOf: 'Meld mij',
  notificationKinds: {
    mention: 'Vermeldingen van mij',
    'new-chat': 'Nieuwe chats die aan mij zijn toegewezen',
    reply: 'Antwoorden in mijn gesprekken',
  },
  notificationText: {
    mention: (from, text) => `${from} heeft je genoemd: ${text}`,
    'new-chat': (from, text) => `Nieuwe chat van ${from}: ${text}`,
    reply: (from, text) => `${from} antwoordde: ${text}`,
  },
  notificationSound: 'Geluid afspelen',
  desktopNotifications: 'Bureaubladmeldingen terwijl de inbox op de achtergrond staat',
  desktopBlocked: 'Deze browser blokkeert meldingen van deze site; sta ze toe in de site-instellingen.',
};

export function notificationsCatalogFor(locale: string): NotificationsCatalog {
  return pickCatalog({ en, nl }, en, locale);
}
