import type { BusinessHours, CannedResponse, Contact, Settings, View } from '../model/model.js';
import type * as C from '../protocol/commands.js';
import { ConfabError, ruleError } from '../protocol/errors.js';
import type { Decision } from './decision.js';
import { emailKey } from './email.js';
import { mergeProperties } from './records.js';
import { businessHours, satisfactionSettings } from './satisfaction.js';
import { BUILT_IN_VIEWS } from './views.js';

type Result = Record<string, string> | void;

/**
 * An agent's commands whose effects a client does not draw before the server answers (its
 * optimistic layer draws conversations, messages and agents only): deleting forever, host records,
 * contact details, team settings and saved views. They live apart from `agentHandlers` so that the
 * agent client's bundle leaves them out (DESIGN §4); the server decides them like any other.
 */
export const recordHandlers = {
  'conversation.deleteForever'(decision: Decision, command: C.DeleteForeverCommand): Result {
    const doomed = [...new Set(command.conversationIds)].map((id) => {
      const conversation = decision.conversation(id);
      if (conversation.trashedAt === null) {
        throw ruleError(
          'V11',
          'not-in-trash',
          `Conversation ${id} is not in Trash: only trashed conversations can be deleted forever`,
        );
      }
      return conversation;
    });
    for (const conversation of doomed) {
      for (const message of decision.messagesOf(conversation.id)) {
        decision.emit({ type: 'message.removed', messageId: message.id, conversationId: conversation.id });
      }
      decision.emit({ type: 'conversation.removed', conversationId: conversation.id });
      // Host records stay, but no longer point at a conversation that is gone.
      for (const ticket of decision.state.tickets.values()) {
        if (ticket.conversationId === conversation.id)
          decision.emit({ type: 'ticket.upserted', ticket: { ...ticket, conversationId: null } });
      }
      for (const deal of decision.state.deals.values()) {
        if (deal.conversationId === conversation.id)
          decision.emit({ type: 'deal.upserted', deal: { ...deal, conversationId: null } });
      }
    }
  },

  'ticket.update'(decision: Decision, command: C.UpdateTicketCommand): Result {
    const ticket = decision.state.tickets.get(command.ticketId);
    if (!ticket) throw new ConfabError('not-found', `No ticket ${command.ticketId}`);
    decision.emit({
      type: 'ticket.upserted',
      ticket: {
        ...ticket,
        name: command.name?.trim() ?? ticket.name,
        properties: mergeProperties(ticket.properties, command.properties ?? {}),
      },
    });
  },

  'contact.update'(decision: Decision, command: C.UpdateContactCommand): Result {
    const contact = decision.contact(command.contactId);
    const next: Contact = {
      ...contact,
      name: command.name?.trim() ?? contact.name,
      properties: mergeProperties(contact.properties, command.properties ?? {}),
    };
    // An address a team member enters is one they vouch for: it matches mail from then on.
    if (command.email !== undefined) {
      next.email = emailKey(command.email);
      delete next.emailSelfReported;
    }
    decision.emit({ type: 'contact.upserted', contact: next });
  },

  'deal.create'(decision: Decision, command: C.CreateDealCommand): Result {
    const conversation = decision.conversation(command.conversationId);
    const dealId = decision.newId();
    decision.emit({
      type: 'deal.upserted',
      deal: {
        id: dealId,
        name: command.name.trim(),
        amount: command.amount,
        currency: command.currency,
        stage: command.stage?.trim() ?? 'new',
        contactId: conversation.contactId,
        conversationId: conversation.id,
        createdAt: decision.now,
      },
    });
    return { dealId };
  },

  'settings.update'(decision: Decision, command: C.UpdateSettingsCommand): Result {
    const current = decision.state.settings;
    const patch = command.patch;
    const settings: Settings = {
      routing: { ...current.routing, ...patch.routing },
      widget: { ...current.widget, ...patch.widget },
      bot: { ...current.bot, ...patch.bot },
      email: { ...current.email, ...patch.email },
      ticketProperties: patch.ticketProperties
        ? [...(patch.ticketProperties as string[])]
        : [...current.ticketProperties],
      cannedResponses: patch.cannedResponses
        ? checkedCannedResponses(patch.cannedResponses)
        : [...(current.cannedResponses ?? [])],
    };
    // Labels change through the label.* commands only.
    if (current.labels) settings.labels = current.labels;
    // Issue 17: kept absent until an admin first sets them, so older settings read as before.
    if (current.satisfaction || patch.satisfaction)
      settings.satisfaction = { ...satisfactionSettings(current), ...patch.satisfaction };
    if (current.hours || patch.hours) settings.hours = { ...businessHours(current), ...patch.hours } as BusinessHours;
    if (patch.email?.roleAddresses) {
      settings.email.roleAddresses = [...new Set(patch.email.roleAddresses.map(emailKey))];
    }
    if (patch.email?.address) settings.email.address = emailKey(patch.email.address);
    decision.emit({ type: 'settings.updated', settings });
  },

  'view.save'(decision: Decision, command: C.SaveViewCommand): Result {
    const viewId = decision.newId();
    decision.emit({
      type: 'view.upserted',
      view: { id: viewId, name: command.name.trim(), filter: command.filter, builtIn: false },
    });
    return { viewId };
  },

  'view.delete'(decision: Decision, command: C.DeleteViewCommand): Result {
    savedView(decision, command.viewId);
    decision.emit({ type: 'view.removed', viewId: command.viewId });
  },

  'view.rename'(decision: Decision, command: C.RenameViewCommand): Result {
    const view = savedView(decision, command.viewId);
    const name = command.name.trim();
    if (view.name !== name) decision.emit({ type: 'view.upserted', view: { ...view, name } });
  },
};

/** A saved view the command may change: built-in views are refused, as are unknown ones. */
function savedView(decision: Decision, viewId: string): View {
  if (BUILT_IN_VIEWS.some((view) => view.id === viewId)) {
    throw new ConfabError('forbidden', `The built-in view ${viewId} cannot be changed`, { reason: 'builtin-view' });
  }
  const view = decision.state.views.get(viewId);
  if (!view) throw new ConfabError('not-found', `No view ${viewId}`);
  return view;
}

/** I1: snippets with their texts trimmed; a shortcut used twice is refused, naming it. */
function checkedCannedResponses(responses: readonly CannedResponse[]): CannedResponse[] {
  const seen = new Set<string>();
  return responses.map(({ shortcut, title, text }) => {
    if (seen.has(shortcut))
      throw ruleError('I1', 'duplicate-shortcut', `Two canned responses use the shortcut /${shortcut}`, { shortcut });
    seen.add(shortcut);
    if (!text.en.trim() && !text.nl.trim())
      throw ruleError('I1', 'empty-canned-response', `The canned response /${shortcut} has no text`, { shortcut });
    return { shortcut, title: title.trim(), text: { en: text.en.trim(), nl: text.nl.trim() } };
  });
}
