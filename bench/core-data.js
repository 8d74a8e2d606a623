// Deterministic synthetic inbox for the core benchmarks (runs in the bench page). Shaped like a
// support team's inbox: 100k conversations over four channels, ~20k contacts, 2–6 messages each,
// text drawn from a support vocabulary plus a long tail of rarer words.

/** mulberry32: small, fast, seeded. */
export function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'Maria',
  'Jan',
  'Sophie',
  'Lucas',
  'Emma',
  'Noah',
  'Zoë',
  'Daan',
  'Julia',
  'Sem',
  'Anna',
  'Finn',
  'Eva',
  'Liam',
  'Mila',
  'Bram',
  'Sara',
  'Milan',
  'Lotte',
  'Thijs',
  'José',
  'Chloé',
  'Ahmed',
  'Fatima',
  'Wei',
  'Yuki',
  'Olga',
  'Pierre',
  'Søren',
  'Ines',
];
const LAST = [
  'de Vries',
  'Jansen',
  'Bakker',
  'Visser',
  'Smit',
  'Meijer',
  'Mulder',
  'de Boer',
  'Bos',
  'Vos',
  'Peters',
  'Hendriks',
  'van Dijk',
  'Müller',
  'García',
  'Dubois',
  'Rossi',
  'Nowak',
  'Kowalski',
  'Andersen',
  'Öztürk',
  'Novák',
  'Silva',
  'Brown',
  'Wilson',
];
const DOMAINS = ['gmail.com', 'outlook.com', 'example.nl', 'acme.io', 'shop.example', 'mail.example.org'];
const COMMON =
  'i you the a to and is it my for of on in this that with can have not was be are order please thanks hi hello help would like when how what your we me get just there'.split(
    ' ',
  );
const SUPPORT =
  'invoice refund delivery password account shipping payment subscription cancel login error discount coupon warranty return package tracking address upgrade plan billing receipt damaged missing broken replacement exchange checkout card charged twice delayed courier size colour stock available reset email verify download app update bug crash slow support contract renewal price quote'.split(
    ' ',
  );
const MONTHS = 'january february march april may june july august september october november december'.split(' ');
const SYLLABLES = 'ka lo mi ne ru sa te vi zo pa be di fo gu ha ja ke li mo nu'.split(' ');

function rareWord(next) {
  let word = '';
  const length = 2 + Math.floor(next() * 3);
  for (let i = 0; i < length; i++) word += SYLLABLES[Math.floor(next() * SYLLABLES.length)];
  return word;
}

function sentence(next, words) {
  const parts = [];
  for (let i = 0; i < words; i++) {
    const roll = next();
    if (roll < 0.55) parts.push(COMMON[Math.floor(next() * COMMON.length)]);
    else if (roll < 0.8) parts.push(SUPPORT[Math.floor(next() * SUPPORT.length)]);
    else if (roll < 0.84) parts.push(MONTHS[Math.floor(next() * MONTHS.length)]);
    else if (roll < 0.9) parts.push(String(Math.floor(next() * 100000)));
    else parts.push(rareWord(next));
  }
  const text = parts.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1) + '.';
}

const CHANNELS = ['email', 'email', 'email', 'chat', 'chat', 'messenger', 'form'];
export const AGENTS = Array.from({ length: 12 }, (_, i) => `agent-${i + 1}`);
const NOW = Date.UTC(2026, 10, 24);

/** A Snapshot with `count` conversations, their contacts and messages. */
export function generateInbox(count, seed = 1) {
  const next = random(seed);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const contacts = [];
  const contactCount = Math.max(1, Math.floor(count / 5));
  for (let i = 0; i < contactCount; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const email =
      `${first}.${last}${i}`
        .toLowerCase()
        .normalize('NFKD')
        .replace(/[^a-z0-9.]/g, '') +
      '@' +
      pick(DOMAINS);
    contacts.push({
      id: `p${i}`,
      name: `${first} ${last}`,
      email,
      verified: false,
      blocked: false,
      companyId: null,
      properties: {},
      createdAt: NOW - 400 * 86400000,
    });
  }
  const conversations = [];
  const messages = [];
  for (let i = 0; i < count; i++) {
    const id = `c${String(i).padStart(6, '0')}`;
    const channel = pick(CHANNELS);
    const contactId = `p${Math.floor(next() * contactCount)}`;
    const startedAt = NOW - Math.floor(next() * 365 * 86400000);
    const messageCount = 2 + Math.floor(next() * 5);
    let time = startedAt;
    let lastReceivedAt = startedAt;
    let lastText = '';
    let needsReply = false;
    for (let m = 0; m < messageCount; m++) {
      time += Math.floor(next() * 3600000);
      const inbound = m % 2 === 0 || next() < 0.2;
      const comment = !inbound && next() < 0.1;
      const text = sentence(next, 6 + Math.floor(next() * 30));
      messages.push({
        id: `${id}-m${m}`,
        conversationId: id,
        kind: comment ? 'comment' : 'reply',
        direction: inbound ? 'inbound' : 'outbound',
        authorType: inbound ? 'contact' : 'agent',
        authorId: inbound ? contactId : pick(AGENTS),
        text,
        createdAt: time,
        mentions: [],
        attachments: [],
      });
      if (inbound) lastReceivedAt = time;
      if (!comment) {
        lastText = text;
        needsReply = inbound;
      }
    }
    const roll = next();
    conversations.push({
      id,
      channel,
      status: next() < 0.6 ? 'open' : 'closed',
      assigneeId: next() < 0.25 ? null : pick(AGENTS),
      contactId,
      participantIds: [contactId],
      subject: channel === 'email' || channel === 'form' ? sentence(next, 2 + Math.floor(next() * 5)) : '',
      startedAt,
      lastReceivedAt,
      lastActivityAt: time,
      lastVisitorActivityAt: lastReceivedAt,
      needsReply,
      ticketId: next() < 0.1 ? `t${i}` : null,
      filtered: roll < 0.03 ? 'spam' : roll < 0.05 ? 'role-address' : null,
      trashedAt: roll > 0.98 ? time : null,
      sentOnly: roll > 0.96 && roll <= 0.98 && channel === 'email',
      bot: channel === 'chat' && next() < 0.2 ? 'active' : 'none',
      preview: lastText.slice(0, 140),
      commentPreview: '',
      messageCount,
      emailMessageIds: [],
    });
  }
  return {
    seq: 0,
    conversations,
    messages,
    contacts,
    agents: AGENTS.map((id, i) => ({
      id,
      name: `Agent ${i + 1}`,
      email: `${id}@team.example`,
      availability: 'available',
      disabled: false,
    })),
    tickets: [],
    deals: [],
    companies: [],
    feedback: [],
    views: [],
    settings: undefined,
  };
}

/**
 * What a busy inbox receives: for a random conversation, a new inbound message and the
 * conversation's new state (re-sorts it to the top; sometimes reopens or reassigns it).
 */
export function generateIngestStream(snapshot, events, seed = 2, progress = newIngestProgress()) {
  const next = random(seed);
  const conversations = snapshot.conversations;
  const stream = [];
  // Goes on from the streams before it into the same store: new messages, not edits of theirs.
  const counters = progress.counters;
  let time = progress.time;
  while (stream.length < events) {
    const current = conversations[Math.floor(next() * conversations.length)];
    const n = (counters.get(current.id) ?? current.messageCount) + 1;
    counters.set(current.id, n);
    time += 1 + Math.floor(next() * 50);
    const text = sentence(next, 5 + Math.floor(next() * 20));
    stream.push({
      type: 'message.upserted',
      message: {
        id: `${current.id}-m${n}`,
        conversationId: current.id,
        kind: 'reply',
        direction: 'inbound',
        authorType: 'contact',
        authorId: current.contactId,
        text,
        createdAt: time,
        mentions: [],
        attachments: [],
      },
    });
    stream.push({
      type: 'conversation.upserted',
      conversation: {
        ...current,
        status: next() < 0.9 ? 'open' : current.status,
        assigneeId: next() < 0.05 ? AGENTS[Math.floor(next() * AGENTS.length)] : current.assigneeId,
        lastReceivedAt: time,
        lastActivityAt: time,
        lastVisitorActivityAt: time,
        needsReply: true,
        preview: text.slice(0, 140),
        messageCount: n,
      },
    });
  }
  progress.time = time;
  return stream.slice(0, events);
}

/** Where the next ingest stream into the same store starts: message numbers and time. */
export function newIngestProgress() {
  return { counters: new Map(), time: Date.UTC(2026, 10, 25) };
}
