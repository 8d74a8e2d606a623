import { labelById } from '../engine/labels.js';
import type { EngineState } from '../engine/state.js';
import type { Activity, Message } from '../model/model.js';

/**
 * An activity note as the thread shows it (issue 16): what happened, who did it and when, with
 * the names resolved. The element words it in the agent's language from `type`.
 */
export interface ActivityNote {
  type: Activity['type'];
  /** The agent who did it, or for `rated` the contact ('' when the replica no longer knows them). */
  actor: string;
  at: number;
  /** `assigned`: the new assignee's name, or null when unassigned. */
  assignee?: string | null;
  /** `labelAdded`, `labelRemoved`: the label as it is now (its name then, once deleted; grey). */
  label?: { name: string; color: string };
  /** `rated` (issue 17): the visitor's score from 1 to 5 and comment ('' without one). */
  score?: number;
  comment?: string;
}

/** Grey for a label that no longer exists: the note keeps its name, not a colour it no longer has. */
const DELETED_LABEL_COLOR = '#586069';

/**
 * The note a system message records, or null for any other message.
 *
 * @example
 * store.read(activityNoteOf, message) // { type: 'closed', actor: 'Anna', at: 1733… }
 */
export function activityNoteOf(state: EngineState, message: Message): ActivityNote | null {
  const activity = message.activity;
  if (message.kind !== 'system' || activity === undefined) return null;
  const note: ActivityNote = {
    type: activity.type,
    actor:
      (message.authorType === 'contact' ? state.contacts.get(message.authorId) : state.agents.get(message.authorId))
        ?.name ?? '',
    at: message.createdAt,
  };
  if (activity.type === 'rated') Object.assign(note, { score: activity.score, comment: activity.comment });
  if (activity.type === 'assigned')
    note.assignee = activity.assigneeId === null ? null : (state.agents.get(activity.assigneeId)?.name ?? '');
  if (activity.type === 'labelAdded' || activity.type === 'labelRemoved') {
    const label = labelById(state, activity.labelId);
    note.label = label ? { name: label.name, color: label.color } : { name: activity.name, color: DELETED_LABEL_COLOR };
  }
  return note;
}
