import { pickCatalog } from '../i18n/i18n.js';

// The Labels section's words load with it (on first use), not with the inbox's first paint.

/** English words of the Labels section. Every other language has this shape. */
const en = {
  title: 'Labels',
  help: 'Agents put labels on conversations to sort them; the filter menu and saved views filter by them.',
  none: 'No labels yet.',
  adminOnly: 'Only an admin can change the labels.',
  newLabel: 'New label',
  name: 'Name',
  colour: 'Colour',
  add: 'Add label',
  added: (name: string) => `Label ${name} added`,
  edit: 'Edit',
  editFor: (name: string) => `Edit label ${name}`,
  nameOf: (name: string) => `Name of label ${name}`,
  colourOf: (name: string) => `Colour of label ${name}`,
  save: 'Save',
  saved: (name: string) => `Label ${name} saved`,
  cancel: 'Cancel',
  delete: 'Delete',
  deleteFor: (name: string) => `Delete label ${name}`,
  confirmDelete: (name: string, count: number) =>
    count === 0
      ? `Delete label ${name}? No conversation has it.`
      : `Delete label ${name}? It is taken off ${count === 1 ? '1 conversation' : `${count} conversations`}.`,
  confirm: (name: string) => `Delete label ${name} for good`,
  deleted: (name: string) => `Label ${name} deleted`,
};

export type LabelSettingsCatalog = typeof en;

const nl: LabelSettingsCatalog = {
  title: 'Labels',
  help: 'Teamleden zetten labels op gesprekken om ze te ordenen; het filtermenu en opgeslagen weergaven filteren erop.',
  none: 'Nog geen labels.',
  adminOnly: 'Alleen een beheerder kan de labels wijzigen.',
  newLabel: 'Nieuw label',
  name: 'Naam',
  colour: 'Kleur',
  add: 'Label toevoegen',
  added: (name) => `Label ${name} toegevoegd`,
  edit: 'Bewerken',
  editFor: (name) => `Label ${name} bewerken`,
  nameOf: (name) => `Naam van label ${name}`,
  colourOf: (name) => `Kleur van label ${name}`,
  save: 'Opslaan',
  saved: (name) => `Label ${name} opgeslagen`,
  cancel: 'Annuleren',
  delete: 'Verwijderen',
  deleteFor: (name) => `Label ${name} verwijderen`,
  confirmDelete: (name, count) =>
    count === 0
      ? `Label ${name} verwijderen? Geen enkel gesprek heeft het.`
      : `Label ${name} verwijderen? Het wordt van ${count === 1 ? '1 gesprek' : `${count} gesprekken`} gehaald.`,
  confirm: (name) => `Label ${name} definitief verwijderen`,
  deleted: (name) => `Label ${name} verwijderd`,
};

export function labelSettingsCatalogFor(locale: string): LabelSettingsCatalog {
  return pickCatalog({ en, nl }, en, locale);
}
