import type { Conversation, Label, Settings } from '../model/model.js';
import type * as C from '../protocol/commands.js';
import { ConfabError, ruleError } from '../protocol/errors.js';
import { activityNote } from './activity.js';
import type { Decision } from './decision.js';
import { labelById } from './labels.js';

type Result = Record<string, string> | void;

/**
 * Team labels (issue 16). Admins keep the list (`label.*`, admin-only in dispatch); any agent puts
 * labels on and takes them off conversations, one or many at once, each change noted in the
 * thread. The server decides them: a client draws labels when the server's events arrive.
 */

function knownLabel(decision: Decision, labelId: string): Label {
  const label = labelById(decision.state, labelId);
  if (!label) throw new ConfabError('not-found', `No label ${labelId}`, { reason: 'unknown-label' });
  return label;
}

function withLabels(decision: Decision, labels: Label[]): Settings {
  return { ...decision.state.settings, labels };
}

/** Names are unique in the team, compared without case, so the filter menu never lists two alike. */
function checkNameFree(decision: Decision, name: string, exceptId?: string): void {
  const key = name.toLocaleLowerCase();
  const taken = decision.state.settings.labels?.some(
    (label) => label.id !== exceptId && label.name.toLocaleLowerCase() === key,
  );
  if (taken) throw ruleError('I1', 'duplicate-label', `A label named ${name} already exists`, { name });
}

function relabel(
  decision: Decision,
  command: C.AddLabelCommand | C.RemoveLabelCommand,
  change: (conversation: Conversation) => string[] | null,
): void {
  const label = knownLabel(decision, command.labelId);
  const changed: Conversation[] = [];
  // All or nothing: a missing conversation refuses the whole command before anything is emitted.
  for (const id of new Set(command.conversationIds)) {
    const conversation = decision.conversation(id);
    const labelIds = change(conversation);
    if (labelIds === null) continue;
    const next: Conversation = { ...conversation, labelIds };
    if (labelIds.length === 0) delete next.labelIds;
    changed.push(next);
  }
  const type = command.type === 'conversation.addLabel' ? 'labelAdded' : 'labelRemoved';
  for (const conversation of changed) {
    decision.emit(
      { type: 'conversation.upserted', conversation },
      activityNote(decision, conversation.id, { type, labelId: label.id, name: label.name }),
    );
  }
}

export const labelHandlers = {
  'label.create'(decision: Decision, command: C.CreateLabelCommand): Result {
    checkNameFree(decision, command.name);
    const labelId = decision.newId();
    const labels = [
      ...(decision.state.settings.labels ?? []),
      { id: labelId, name: command.name, color: command.color },
    ];
    decision.emit({ type: 'settings.updated', settings: withLabels(decision, labels) });
    return { labelId };
  },

  'label.update'(decision: Decision, command: C.UpdateLabelCommand): Result {
    const label = knownLabel(decision, command.labelId);
    if (command.name !== undefined) checkNameFree(decision, command.name, label.id);
    const next: Label = { ...label, name: command.name ?? label.name, color: command.color ?? label.color };
    if (next.name === label.name && next.color === label.color) return;
    const labels = decision.state.settings.labels!.map((each) => (each.id === label.id ? next : each));
    decision.emit({ type: 'settings.updated', settings: withLabels(decision, labels) });
  },

  'label.delete'(decision: Decision, command: C.DeleteLabelCommand): Result {
    const label = knownLabel(decision, command.labelId);
    for (const conversation of decision.state.conversations.values()) {
      if (!conversation.labelIds?.includes(label.id)) continue;
      const next: Conversation = { ...conversation, labelIds: conversation.labelIds.filter((id) => id !== label.id) };
      if (next.labelIds!.length === 0) delete next.labelIds;
      decision.emit({ type: 'conversation.upserted', conversation: next });
    }
    const labels = decision.state.settings.labels!.filter((each) => each.id !== label.id);
    decision.emit({ type: 'settings.updated', settings: withLabels(decision, labels) });
  },

  'conversation.addLabel'(decision: Decision, command: C.AddLabelCommand): Result {
    relabel(decision, command, (conversation) => {
      const current = conversation.labelIds ?? [];
      return current.includes(command.labelId) ? null : [...current, command.labelId];
    });
  },

  'conversation.removeLabel'(decision: Decision, command: C.RemoveLabelCommand): Result {
    relabel(decision, command, (conversation) => {
      const current = conversation.labelIds ?? [];
      return current.includes(command.labelId) ? current.filter((id) => id !== command.labelId) : null;
    });
  },
};
