import type { Principal, ServerFrame } from '../protocol/frames.js';

/** One client connection as the hub sees it. */
export interface Link {
  send: (frame: ServerFrame) => void;
  end: (code: number, reason: string) => void;
  principal: Principal | null;
  /** True once the link's catch-up was sent; only live links receive fan-out. */
  live: boolean;
  closed: boolean;
}

/**
 * The hub's open links, indexed by who they are: agents' links, and visitors' links by contact.
 * A visitor's events and typing go to that visitor's links and the agents' only, so the cost of a
 * batch follows who may see it, not how many sockets are open (issue 19). A workspace id becomes
 * one more key here, not another walk.
 */
export class LinkRegistry {
  private readonly all = new Set<Link>();
  private readonly agentLinks = new Set<Link>();
  private readonly visitorLinks = new Map<string, Set<Link>>();

  get size(): number {
    return this.all.size;
  }

  /** A new link, not yet greeted: it receives nothing until `goLive`. */
  add(link: Link): void {
    this.all.add(link);
  }

  /** The link said hello and got its catch-up: from now on it is reached by who it is. */
  goLive(link: Link): void {
    link.live = true;
    const principal = link.principal;
    if (principal?.kind === 'agent') this.agentLinks.add(link);
    if (principal?.kind === 'visitor') {
      const targets = this.visitorLinks.get(principal.contactId) ?? new Set<Link>();
      targets.add(link);
      this.visitorLinks.set(principal.contactId, targets);
    }
  }

  /** Forgets a link that is gone. */
  remove(link: Link): void {
    link.closed = true;
    link.live = false;
    this.all.delete(link);
    this.agentLinks.delete(link);
    if (link.principal?.kind === 'visitor') {
      const targets = this.visitorLinks.get(link.principal.contactId);
      targets?.delete(link);
      if (targets?.size === 0) this.visitorLinks.delete(link.principal.contactId);
    }
  }

  /** Live agents' links. */
  agents(): Iterable<Link> {
    return this.agentLinks;
  }

  /** Live links of one visitor (none: an empty list). */
  visitor(contactId: string): Iterable<Link> {
    return this.visitorLinks.get(contactId) ?? [];
  }

  /** Contacts with a live link. */
  visitorContacts(): Iterable<string> {
    return this.visitorLinks.keys();
  }

  /** Every link, live or not (a copy: the caller may remove while walking). */
  list(): Link[] {
    return [...this.all];
  }
}
