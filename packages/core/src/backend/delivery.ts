import { projectEvent } from '../engine/engine.js';
import { projectTyping, projectViewing } from '../engine/projection.js';
import type { EngineState } from '../engine/state.js';
import type { SignalCommand } from '../protocol/commands.js';
import type { SequencedEvent } from '../protocol/events.js';
import { PROTOCOL_VERSION, type Principal } from '../protocol/frames.js';
import type { Link, LinkRegistry } from './links.js';
import type { VisitorDelivery, VisitorStreams } from './visitor-streams.js';

/**
 * What each link gets of committed events and typing: agents see the workspace's events (less
 * what the projection hides from them), visitors their own numbered streams. Reaches links by who
 * they are (LinkRegistry), never by walking every open connection.
 */

/** Sends each live agent link the events it may see. */
export function deliverToAgents(state: EngineState, links: LinkRegistry, events: SequencedEvent[]): void {
  for (const link of links.agents()) {
    const visible: SequencedEvent[] = [];
    for (const sequenced of events) {
      const projected = projectEvent(state, link.principal!, sequenced.event);
      if (projected) visible.push({ seq: sequenced.seq, cause: sequenced.cause, event: projected });
    }
    if (visible.length) link.send({ v: PROTOCOL_VERSION, type: 'events', events: visible });
  }
}

/** Sends each live visitor link the entries of its stream, numbered in that stream. */
export function deliverToVisitors(streams: VisitorStreams, links: LinkRegistry, deliveries: VisitorDelivery[]): void {
  if (!deliveries.length) return;
  const byContact = new Map<string | null, VisitorDelivery[]>();
  for (const delivery of deliveries) {
    const list = byContact.get(delivery.contactId) ?? [];
    list.push(delivery);
    byContact.set(delivery.contactId, list);
  }
  // What every visitor sees alike (team availability, widget settings) goes to every visitor.
  const everyone = byContact.get(null) ?? [];
  const contacts = everyone.length
    ? [...links.visitorContacts()]
    : [...byContact.keys()].filter((id): id is string => id !== null);
  for (const contactId of contacts) {
    const mine = byContact.get(contactId) ?? [];
    const entries =
      everyone.length && mine.length ? [...mine, ...everyone].sort((a, b) => a.at - b.at) : [...mine, ...everyone];
    let events: SequencedEvent[] | null = null;
    for (const link of links.visitor(contactId)) {
      events ??= entries.map((entry) => ({
        seq: streams.seqAt(contactId, entry.at),
        cause: entry.cause,
        event: entry.event,
      }));
      link.send({ v: PROTOCOL_VERSION, type: 'events', events });
    }
  }
}

/**
 * Signals are ephemeral: typing goes to the links the engine says may see it (agents, the
 * conversation's visitors); viewing to the other agents only.
 */
export function relaySignal(state: EngineState, links: LinkRegistry, sender: Principal, command: SignalCommand): void {
  if (command.type === 'viewing') {
    for (const link of links.agents()) {
      const signal = projectViewing(state, sender, link.principal!, command.conversationId, command.viewing);
      if (signal) link.send({ v: PROTOCOL_VERSION, type: 'viewing', signal });
    }
    return;
  }
  const send = (link: Link) => {
    const signal = projectTyping(state, sender, link.principal!, command.conversationId, command.typing);
    if (signal) link.send({ v: PROTOCOL_VERSION, type: 'typing', signal });
  };
  for (const link of links.agents()) send(link);
  const conversation = state.conversations.get(command.conversationId);
  if (!conversation) return;
  const visitors = new Set(conversation.participantIds);
  if (conversation.contactId !== null) visitors.add(conversation.contactId);
  for (const contactId of visitors) for (const link of links.visitor(contactId)) send(link);
}
