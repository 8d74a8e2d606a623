import type { FatalErrorCode } from '@confab/core';
import type { WidgetLocale } from './boot.js';

/** The widget's own words, in English and Dutch. Team texts (title, welcome) come from settings. */
export interface Strings {
  openChat: string;
  closeChat: string;
  unread: (count: number) => string;
  title: string;
  welcome: string;
  awayMessage: string;
  available: string;
  away: string;
  connecting: string;
  offline: string;
  /** The header's line when the chat stopped for good. */
  unavailable: string;
  /** Why the chat stopped for good (the client's `stopped`), in the visitor's words. */
  stopped: Record<FatalErrorCode, string>;
  showConversations: string;
  message: string;
  placeholder: string;
  send: string;
  attachFile: string;
  sending: string;
  waiting: string;
  sent: string;
  failed: string;
  retry: string;
  typing: (name: string) => string;
  you: string;
  team: string;
  bot: string;
  email: string;
  save: string;
  emailSaved: (email: string) => string;
  closed: string;
  newMessage: (author: string, text: string) => string;
  messagesLabel: string;
  quickReplies: string;
}

const en: Strings = {
  openChat: 'Open chat',
  closeChat: 'Close chat',
  unread: (count) => (count === 1 ? '1 unread message' : `${count} unread messages`),
  title: 'Chat with us',
  welcome: 'Hi! How can we help?',
  awayMessage: 'We are away right now. Leave your email and we will get back to you.',
  available: 'We are online',
  away: 'We are away',
  connecting: 'Connecting…',
  offline: 'Offline: your messages are sent when the connection is back',
  unavailable: 'Chat unavailable',
  stopped: {
    unauthenticated: 'This chat could not start. Please reload the page.',
    'session-expired': 'This chat session has ended. Please reload the page.',
    forbidden: 'This chat was ended. Please reload the page to start a new one.',
    'origin-not-allowed': 'Chat is not available on this page. Please contact us another way.',
    'unsupported-version': 'This chat needs a newer page. Please reload it.',
  },
  showConversations: 'Your conversations',
  message: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  attachFile: 'Attach a file',
  sending: 'Sending…',
  waiting: 'Waiting for connection',
  sent: 'Sent',
  failed: 'Not sent',
  retry: 'Try again',
  typing: (name) => `${name} is typing…`,
  you: 'You',
  team: 'Team',
  bot: 'Bot',
  email: 'Email',
  save: 'Save',
  emailSaved: (email) => `Thanks! We will reply to ${email}.`,
  closed: 'This conversation is closed. Write to open it again.',
  newMessage: (author, text) => `New message from ${author}: ${text}`,
  messagesLabel: 'Messages',
  quickReplies: 'Suggested replies',
};

const nl: Strings = {
  openChat: 'Chat openen',
  closeChat: 'Chat sluiten',
  unread: (count) => (count === 1 ? '1 ongelezen bericht' : `${count} ongelezen berichten`),
  title: 'Chat met ons',
  welcome: 'Hoi! Waarmee kunnen we je helpen?',
  awayMessage: 'We zijn er nu niet. Laat je e-mailadres achter, dan nemen we contact met je op.',
  available: 'We zijn online',
  away: 'We zijn afwezig',
  connecting: 'Verbinden…',
  offline: 'Offline: je berichten worden verstuurd zodra de verbinding terug is',
  unavailable: 'Chat niet beschikbaar',
  stopped: {
    unauthenticated: 'Deze chat kon niet starten. Laad de pagina opnieuw.',
    'session-expired': 'Deze chatsessie is afgelopen. Laad de pagina opnieuw.',
    forbidden: 'Deze chat is beëindigd. Laad de pagina opnieuw om een nieuwe te beginnen.',
    'origin-not-allowed': 'Chat is niet beschikbaar op deze pagina. Neem op een andere manier contact met ons op.',
    'unsupported-version': 'Deze chat heeft een nieuwere pagina nodig. Laad de pagina opnieuw.',
  },
  showConversations: 'Je gesprekken',
  message: 'Bericht',
  placeholder: 'Schrijf een bericht…',
  send: 'Versturen',
  attachFile: 'Bestand bijvoegen',
  sending: 'Versturen…',
  waiting: 'Wacht op verbinding',
  sent: 'Verzonden',
  failed: 'Niet verzonden',
  retry: 'Opnieuw proberen',
  typing: (name) => `${name} typt…`,
  you: 'Jij',
  team: 'Team',
  bot: 'Bot',
  email: 'E-mailadres',
  save: 'Opslaan',
  emailSaved: (email) => `Bedankt! We antwoorden op ${email}.`,
  closed: 'Dit gesprek is gesloten. Schrijf om het weer te openen.',
  newMessage: (author, text) => `Nieuw bericht van ${author}: ${text}`,
  messagesLabel: 'Berichten',
  quickReplies: 'Voorgestelde antwoorden',
};

export const STRINGS: Record<WidgetLocale, Strings> = { en, nl };

/** `nl`, `nl-BE`, `NL` → nl; anything else → en. */
export function resolveLocale(...candidates: Array<string | null | undefined>): WidgetLocale {
  const first = candidates.find((candidate) => candidate);
  return first && first.toLowerCase().startsWith('nl') ? 'nl' : 'en';
}

/**
 * A team text from settings, or our translation when the team kept the English default (so a
 * Dutch page does not greet in English just because nobody changed the setting).
 */
export function teamText(
  value: string | undefined,
  key: 'title' | 'welcome' | 'awayMessage',
  locale: WidgetLocale,
): string {
  if (!value || value === en[key]) return STRINGS[locale][key];
  return value;
}
