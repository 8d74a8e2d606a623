import { pickCatalog } from '../i18n/i18n.js';

// The section's words load with it (on first use of the settings), not with the inbox's first paint.

/** English words of the ratings and business hours section (issue 17). Every other language has this shape. */
const en = {
  rating: 'Rating after a chat',
  ratingOn: 'Ask visitors to rate a chat from 1 to 5 once it is closed',
  questionEn: 'Question in English (empty: the widget’s own)',
  questionNl: 'Question in Dutch (empty: the widget’s own)',
  hours: 'Business hours',
  hoursOn: 'Outside these hours the widget says the team is away, and new chats wait for the opening',
  timeZone: 'Time zone',
  timeZoneHelp: 'Type to search the zones, like Amsterdam or New_York.',
  days: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
  opens: (day: string, range: number) => (range === 1 ? `${day} opens` : `${day} opens (range ${range})`),
  closes: (day: string, range: number) => (range === 1 ? `${day} closes` : `${day} closes (range ${range})`),
  addRange: (day: string) => `Add a range to ${day}`,
  removeRange: (day: string, range: number) => `Remove range ${range} of ${day}`,
  closedHelp:
    'Leave a day empty when the team is closed all day; add a range for a break (09:00–12:00 and 13:00–17:00); a close at 00:00 is midnight.',
  save: 'Save rating and hours',
  saved: 'Rating and hours saved',
  error: (message: string) => `Not saved: ${message}`,
};

export type SatisfactionHoursCatalog = typeof en;

const nl: SatisfactionHoursCatalog = {
  rating: 'Beoordeling na een chat',
  ratingOn: 'Bezoekers vragen een gesloten chat een cijfer van 1 tot 5 te geven',
  questionEn: 'Vraag in het Engels (leeg: die van de widget)',
  questionNl: 'Vraag in het Nederlands (leeg: die van de widget)',
  hours: 'Openingstijden',
  hoursOn: 'Buiten deze tijden zegt de widget dat het team afwezig is, en wachten nieuwe chats op de opening',
  timeZone: 'Tijdzone',
  timeZoneHelp: 'Typ om de zones te doorzoeken, zoals Amsterdam of New_York.',
  days: ['Maandag', 'Dinsdag', 'Woensdag', 'Donderdag', 'Vrijdag', 'Zaterdag', 'Zondag'],
  opens: (day, range) => (range === 1 ? `${day} open vanaf` : `${day} open vanaf (tijdvak ${range})`),
  closes: (day, range) => (range === 1 ? `${day} open tot` : `${day} open tot (tijdvak ${range})`),
  addRange: (day) => `Tijdvak toevoegen aan ${day.toLowerCase()}`,
  removeRange: (day, range) => `Tijdvak ${range} van ${day.toLowerCase()} verwijderen`,
  closedHelp:
    'Laat een dag leeg als het team de hele dag gesloten is; voeg een tijdvak toe voor een pauze (09:00–12:00 en 13:00–17:00); sluiten om 00:00 is middernacht.',
  save: 'Beoordeling en openingstijden opslaan',
  saved: 'Beoordeling en openingstijden opgeslagen',
  error: (message) => `Niet opgeslagen: ${message}`,
};

export function satisfactionHoursCatalogFor(locale: string): SatisfactionHoursCatalog {
  return pickCatalog({ en, nl }, en, locale);
}
