import type { Conversation, Label, LabelId } from '../model/model.js';
import type { EngineState } from './state.js';

/**
 * Labels' colours (issue 16). A chip shows the name in black or white on the label's colour,
 * whichever contrasts more: for any opaque colour one of them reaches at least 4.58:1, above
 * WCAG's 4.5:1 for text, so every hex an admin picks is readable and none needs refusing. The
 * palette is the settings' offer, spread around the hue circle.
 */
export const LABEL_PALETTE: readonly string[] = [
  '#d73a49',
  '#e36209',
  '#dbab09',
  '#28a745',
  '#0366d6',
  '#6f42c1',
  '#ea4aaa',
  '#586069',
];

function channel(hex: string): number {
  const value = parseInt(hex, 16) / 255;
  return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of `#rgb` or `#rrggbb`. */
export function luminance(color: string): number {
  const hex = color.length === 4 ? color.replace(/[0-9a-f]/gi, '$&$&') : color;
  return 0.2126 * channel(hex.slice(1, 3)) + 0.7152 * channel(hex.slice(3, 5)) + 0.0722 * channel(hex.slice(5, 7));
}

/**
 * The text colour for a label's chip, and its contrast ratio with the label's colour.
 *
 * @example
 * labelInk('#0366d6') // { ink: '#ffffff', contrast: 5.9… }
 */
export function labelInk(color: string): { ink: '#000000' | '#ffffff'; contrast: number } {
  const l = luminance(color);
  const withBlack = (l + 0.05) / 0.05;
  const withWhite = 1.05 / (l + 0.05);
  return withBlack >= withWhite ? { ink: '#000000', contrast: withBlack } : { ink: '#ffffff', contrast: withWhite };
}

/** The team's labels by name (the settings list, the filter menu, the label menu). */
export function teamLabels(state: EngineState): Label[] {
  return [...(state.settings.labels ?? [])].sort((a, b) => a.name.localeCompare(b.name));
}

export function labelById(state: EngineState, id: LabelId): Label | undefined {
  return state.settings.labels?.find((label) => label.id === id);
}

/** A conversation's labels as a row and the thread show them, in the order applied. */
export function labelsOf(state: EngineState, conversation: Conversation | undefined): Label[] {
  const labels: Label[] = [];
  for (const id of conversation?.labelIds ?? []) {
    const label = labelById(state, id);
    if (label) labels.push(label);
  }
  return labels;
}

/**
 * For the label menu over a selection: per label, whether all, some or none of the conversations
 * have it (a checkbox's checked, mixed or unchecked).
 */
export function labelStates(
  state: EngineState,
  conversationIds: readonly string[],
): Array<{ label: Label; applied: 'all' | 'some' | 'none' }> {
  return teamLabels(state).map((label) => {
    let count = 0;
    for (const id of conversationIds) if (state.conversations.get(id)?.labelIds?.includes(label.id)) count += 1;
    const applied = count === 0 ? 'none' : count === conversationIds.length ? 'all' : 'some';
    return { label, applied };
  });
}

/** How many conversations have the label: what deleting it would take it off. */
export function labelUseCount(state: EngineState, labelId: LabelId): number {
  let count = 0;
  for (const conversation of state.conversations.values()) if (conversation.labelIds?.includes(labelId)) count += 1;
  return count;
}
