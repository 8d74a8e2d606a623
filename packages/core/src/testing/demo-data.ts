import { applyEvent, execute } from '../engine/engine.js';
import { newContact, newConversation, newMessage, withMessage } from '../engine/records.js';
import { createEngineState, type EngineState } from '../engine/state.js';
import type {
  Agent,
  Channel,
  Company,
  Contact,
  Conversation,
  Feedback,
  FilteredReason,
  Message,
} from '../model/model.js';
import type { Command } from '../protocol/commands.js';
import type { ConfabEvent } from '../protocol/events.js';
import type { Principal } from '../protocol/frames.js';

/**
 * Demo and benchmark data. `demoSeed` tells a small, realistic story through the engine itself
 * (so every record is exactly what the rules produce); `generateConversations` builds many
 * conversations directly, deterministically, for benchmarks and property tests.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The demo team: Anna (the admin), Ben and Dev are available, Chloé is away (S2). */
export const DEMO_AGENTS: readonly Agent[] = [
  {
    id: 'agent-anna',
    name: 'Anna de Vries',
    email: 'anna@confab.example',
    availability: 'available',
    role: 'admin',
    invitePending: false,
    lastSeenAt: null,
    disabled: false,
  },
  {
    id: 'agent-ben',
    name: 'Ben Okafor',
    email: 'ben@confab.example',
    availability: 'available',
    role: 'agent',
    invitePending: false,
    lastSeenAt: null,
    disabled: false,
  },
  {
    id: 'agent-chloe',
    name: 'Chloé Martin',
    email: 'chloe@confab.example',
    availability: 'away',
    role: 'agent',
    invitePending: false,
    lastSeenAt: null,
    disabled: false,
  },
  {
    id: 'agent-dev',
    name: 'Dev Patel',
    email: 'dev@confab.example',
    availability: 'available',
    role: 'agent',
    invitePending: false,
    lastSeenAt: null,
    disabled: false,
  },
];

export const DEMO_AGENT_IDS: readonly string[] = DEMO_AGENTS.map((agent) => agent.id);

const COMPANIES: Company[] = [
  {
    id: 'company-northwind',
    name: 'Northwind Traders',
    domain: 'northwind.example',
    properties: { industry: 'Wholesale', employees: '120', city: 'Rotterdam' },
  },
  {
    id: 'company-lumen',
    name: 'Lumen Health',
    domain: 'lumenhealth.example',
    properties: { industry: 'Healthcare', employees: '850', city: 'Boston' },
  },
];

interface DemoContact {
  id: string;
  name: string;
  email?: string;
  companyId?: string;
  verified?: boolean;
  properties?: Record<string, string>;
}

const CONTACTS: DemoContact[] = [
  {
    id: 'contact-liam',
    name: 'Liam Turner',
    email: 'liam.turner@northwind.example',
    companyId: 'company-northwind',
    properties: { phone: '+31 10 555 0142', plan: 'Business', lifecycle: 'Customer', role: 'Purchasing manager' },
  },
  {
    id: 'contact-ava',
    name: 'Ava Chen',
    email: 'ava.chen@northwind.example',
    companyId: 'company-northwind',
    properties: { plan: 'Business', role: 'Finance' },
  },
  {
    id: 'contact-grace',
    name: 'Grace Obi',
    email: 'grace.obi@lumenhealth.example',
    companyId: 'company-lumen',
    properties: { phone: '+1 617 555 0199', plan: 'Enterprise trial', lifecycle: 'Opportunity', role: 'CTO' },
  },
  {
    id: 'contact-emma',
    name: 'Emma Jansen',
    email: 'emma.jansen@example.com',
    verified: true,
    properties: { plan: 'Starter', city: 'Utrecht', lifecycle: 'Customer' },
  },
  {
    id: 'contact-mateo',
    name: 'Mateo García',
    email: 'mateo.garcia@example.es',
    properties: { plan: 'Starter', city: 'Valencia' },
  },
  {
    id: 'contact-lucas',
    name: 'Lucas Moreau',
    email: 'lucas.moreau@example.fr',
    properties: { plan: 'Pro', city: 'Lyon' },
  },
  { id: 'contact-hana', name: 'Hana Suzuki', properties: { city: 'Osaka' } },
  { id: 'contact-sofia', name: 'Sofia Rossi', properties: { messengerId: 'psid-sofia-rossi', city: 'Milan' } },
  { id: 'contact-noah', name: 'Noah Williams', email: 'noah.williams@mailbox.example', properties: { plan: 'Pro' } },
  {
    id: 'contact-olivia',
    name: 'Olivia Park',
    email: 'olivia@parkdesign.example',
    properties: { lifecycle: 'Lead', source: 'Webinar' },
  },
  {
    id: 'contact-priya',
    name: 'Priya Nair',
    email: 'priya.nair@example.in',
    properties: { plan: 'Business', city: 'Bengaluru' },
  },
  { id: 'contact-jonas', name: 'Jonas Berg', email: 'jonas.berg@example.org', properties: { plan: 'Starter' } },
  {
    id: 'contact-amelia',
    name: 'Amelia Hughes',
    email: 'amelia.hughes@fintrust.example',
    properties: { lifecycle: 'Lead', role: 'Data protection officer' },
  },
  { id: 'contact-rick', name: 'Rick Sellers', email: 'rick@cheap-watches.example' },
  { id: 'contact-troll', name: 'Visitor 1337' },
];

/** Runs commands through the engine on a private state, collecting the events. */
class DemoScript {
  readonly state: EngineState = createEngineState();
  readonly events: ConfabEvent[] = [];
  private counter = 0;
  private clock: number;

  constructor(private readonly now: number) {
    this.clock = now;
  }

  /** Sets the clock to some time before now. */
  ago(ms: number): this {
    this.clock = this.now - ms;
    return this;
  }

  add(...events: ConfabEvent[]): void {
    for (const event of events) {
      applyEvent(this.state, event);
      this.events.push(event);
    }
  }

  run(principal: Principal, command: Command): Record<string, string> {
    const { events, result } = execute(this.state, principal, command, {
      now: this.clock,
      newId: () => `demo-${(++this.counter).toString(36).padStart(3, '0')}`,
    });
    this.add(...events);
    return result ?? {};
  }

  agent(id: string, command: Command): Record<string, string> {
    return this.run({ kind: 'agent', agentId: id }, command);
  }

  visitor(contactId: string, command: Command): Record<string, string> {
    return this.run({ kind: 'visitor', contactId }, command);
  }

  system(command: Command): Record<string, string> {
    return this.run({ kind: 'system' }, command);
  }

  email(fields: Omit<Extract<Command, { type: 'inbound.email' }>, 'type' | 'to'> & { to?: string[] }): string {
    return this.system({ type: 'inbound.email', to: ['support@confab.example'], ...fields })['conversationId']!;
  }

  lastMessageId(conversationId: string): string {
    const list = this.state.messages.get(conversationId) ?? [];
    return list[list.length - 1]!.email!.messageId;
  }
}

/**
 * Events that build the demo inbox at time `now`: four agents (one away), two companies, fifteen
 * contacts with properties, deals, feedback, tickets, and conversations in every channel and every
 * view (V1–V12): a bot conversation, a blocked sender (email and chat), spam, role-address and
 * promotional mail, trash, a sent-only email, closed ones, comments with mentions, an email thread
 * with cc. No mail is queued: the demo's outbound mail counts as already sent.
 */
export function demoSeed(now: number): ConfabEvent[] {
  const demo = new DemoScript(now);
  demo.add(
    ...DEMO_AGENTS.map((agent): ConfabEvent => ({
      type: 'agent.upserted',
      agent: { ...agent, availability: 'available' },
    })),
  );
  demo.add(...COMPANIES.map((company): ConfabEvent => ({ type: 'company.upserted', company })));
  for (const [index, contact] of CONTACTS.entries()) {
    const record: Contact = {
      ...newContact({
        id: contact.id,
        name: contact.name,
        email: contact.email ?? '',
        now: now - 30 * DAY + index * HOUR,
      }),
      verified: contact.verified ?? false,
      companyId: contact.companyId ?? null,
      properties: contact.properties ?? {},
    };
    demo.add({ type: 'contact.upserted', contact: record });
  }
  const anna = 'agent-anna';
  const ben = 'agent-ben';
  const chloe = 'agent-chloe';
  const dev = 'agent-dev';

  // Closed: a chat from two days ago, solved.
  const mateo = demo
    .ago(2 * DAY)
    .visitor('contact-mateo', { type: 'visitor.startChat', text: 'Hola! How do I add a second user to my account?' })[
    'conversationId'
  ]!;
  demo.ago(2 * DAY - 3 * MINUTE).agent(anna, {
    type: 'message.reply',
    conversationId: mateo,
    text: 'Hi Mateo! Go to Settings → Team and click "Invite member". The Starter plan includes two seats.',
  });
  demo
    .ago(2 * DAY - 6 * MINUTE)
    .visitor('contact-mateo', { type: 'visitor.message', conversationId: mateo, text: 'Found it, thank you!' });
  demo.agent(anna, { type: 'conversation.assign', conversationId: mateo, assigneeId: anna });
  demo
    .ago(2 * DAY - 10 * MINUTE)
    .agent(anna, { type: 'conversation.setStatus', conversationIds: [mateo], status: 'closed' });

  // Closed: an email answered three days ago.
  const priya = demo.ago(3 * DAY).email({
    from: 'priya.nair@example.in',
    fromName: 'Priya Nair',
    subject: 'Change billing address',
    text: 'Hello,\n\nOur office moved. Could you update the billing address on our invoices to 4th Floor, 12 MG Road, Bengaluru?\n\nThanks,\nPriya',
    messageId: '<priya-001@example.in>',
  });
  demo.agent(ben, { type: 'conversation.assign', conversationId: priya, assigneeId: ben });
  demo.ago(3 * DAY - 2 * HOUR).agent(ben, {
    type: 'message.reply',
    conversationId: priya,
    text: 'Hi Priya,\n\nDone: your next invoice will show the new address.\n\nBest,\nBen',
  });
  demo.agent(ben, { type: 'conversation.setStatus', conversationIds: [priya], status: 'closed' });

  // A chat that Chloé took before she went away: she keeps it (S2).
  const lucas = demo.ago(5 * HOUR).visitor('contact-lucas', {
    type: 'visitor.startChat',
    text: 'Bonjour, the mobile app logs me out every few minutes.',
  })['conversationId']!;
  demo.agent(chloe, { type: 'conversation.assign', conversationId: lucas, assigneeId: chloe });
  demo.ago(5 * HOUR - 4 * MINUTE).agent(chloe, {
    type: 'message.reply',
    conversationId: lucas,
    text: 'Sorry about that, Lucas! Which phone and app version are you using?',
  });
  demo.ago(5 * HOUR - 9 * MINUTE).visitor('contact-lucas', {
    type: 'visitor.message',
    conversationId: lucas,
    text: 'iPhone 13, app version 4.2.1.',
  });
  demo.ago(4 * HOUR).agent(chloe, { type: 'agent.setAvailability', availability: 'away' });

  // An email thread with cc, a ticket and a deal.
  const liamFirst = '<q3-order-7731@northwind.example>';
  const liam = demo.ago(3 * HOUR).email({
    from: 'liam.turner@northwind.example',
    fromName: 'Liam Turner',
    cc: ['ava.chen@northwind.example'],
    subject: 'Bulk order for Q3',
    text: 'Hi team,\n\nWe would like to order 400 units of the Pro licence for Q3. Can you send us a quote with volume pricing? Ava from finance is in cc.\n\nKind regards,\nLiam Turner\nNorthwind Traders',
    messageId: liamFirst,
  });
  demo.agent(ben, { type: 'conversation.assign', conversationId: liam, assigneeId: ben });
  demo.ago(2 * HOUR + 30 * MINUTE).agent(ben, {
    type: 'message.comment',
    conversationId: liam,
    text: '@Dev Patel can you approve a 15% volume discount for 400 seats?',
    mentions: [dev],
  });
  demo.ago(2 * HOUR + 10 * MINUTE).agent(dev, {
    type: 'message.comment',
    conversationId: liam,
    text: 'Approved, 15% is fine for a 12-month commitment.',
    mentions: [ben],
  });
  demo.ago(2 * HOUR).agent(ben, {
    type: 'message.reply',
    conversationId: liam,
    text: 'Hi Liam,\n\nThanks for your interest! For 400 Pro seats on a 12-month commitment we can offer 15% off the list price. The quote is attached to this thread.\n\nBest,\nBen',
  });
  demo.ago(50 * MINUTE).email({
    from: 'liam.turner@northwind.example',
    fromName: 'Liam Turner',
    cc: ['ava.chen@northwind.example', 'support@confab.example'],
    subject: 'Re: Bulk order for Q3',
    text: 'Hi Ben,\n\nThat works for us. Could you split the invoice into two payments?\n\nLiam',
    messageId: '<q3-order-7802@northwind.example>',
    inReplyTo: demo.lastMessageId(liam),
  });
  demo.agent(ben, {
    type: 'ticket.create',
    conversationId: liam,
    name: 'Q3 bulk order – split invoice',
    properties: { status: 'In progress', priority: 'High' },
  });
  demo.agent(ben, {
    type: 'deal.create',
    conversationId: liam,
    name: 'Northwind Q3 bulk order',
    amount: 40800,
    currency: 'EUR',
    stage: 'Proposal sent',
  });

  // An enterprise lead by email, with a ticket and a deal.
  const grace = demo.ago(6 * HOUR).email({
    from: 'grace.obi@lumenhealth.example',
    fromName: 'Grace Obi',
    subject: 'Integration with our EHR system',
    text: 'Hello,\n\nWe are evaluating Confab for our patient support team. Do you offer an API to sync conversations with our EHR system, and can you sign a BAA?\n\nGrace Obi, CTO, Lumen Health',
    messageId: '<ehr-integration-01@lumenhealth.example>',
  });
  demo.agent(dev, { type: 'conversation.assign', conversationId: grace, assigneeId: dev });
  demo.ago(5 * HOUR).agent(dev, {
    type: 'message.reply',
    conversationId: grace,
    text: 'Hi Grace,\n\nYes to both: our REST API covers conversations and contacts, and we sign BAAs on the Enterprise plan. Shall we schedule a call this week?\n\nDev',
  });
  demo.ago(4 * HOUR).email({
    from: 'grace.obi@lumenhealth.example',
    subject: 'Re: Integration with our EHR system',
    text: 'Thursday 3 pm Eastern works. Please send an invite.',
    messageId: '<ehr-integration-02@lumenhealth.example>',
    inReplyTo: demo.lastMessageId(grace),
  });
  demo.agent(dev, {
    type: 'ticket.create',
    conversationId: grace,
    name: 'Lumen Health – security review',
    properties: { status: 'Waiting on customer', priority: 'Medium' },
  });
  demo.agent(dev, {
    type: 'deal.create',
    conversationId: grace,
    name: 'Lumen Health – Enterprise pilot',
    amount: 48000,
    currency: 'USD',
    stage: 'Qualified',
  });

  // A live chat with comments and a mention; still waiting for an answer.
  const emma = demo.ago(25 * MINUTE).visitor('contact-emma', {
    type: 'visitor.startChat',
    text: 'Hi! I am trying to export my invoices as CSV but the button is greyed out.',
  })['conversationId']!;
  demo.agent(anna, { type: 'conversation.assign', conversationId: emma, assigneeId: anna });
  demo.ago(23 * MINUTE).agent(anna, {
    type: 'message.reply',
    conversationId: emma,
    text: 'Hi Emma, let me check that for you. Which plan are you on?',
  });
  demo
    .ago(21 * MINUTE)
    .visitor('contact-emma', { type: 'visitor.message', conversationId: emma, text: "I'm on the Starter plan." });
  demo.ago(20 * MINUTE).agent(anna, {
    type: 'message.comment',
    conversationId: emma,
    text: '@Ben Okafor is CSV export Business-only since the last release?',
    mentions: [ben],
  });
  demo.ago(18 * MINUTE).agent(ben, {
    type: 'message.comment',
    conversationId: emma,
    text: 'Yes, since 4.2. We can enable it for a month as a courtesy.',
    mentions: [anna],
  });

  // Messenger: two messages, unassigned.
  demo.ago(40 * MINUTE).system({
    type: 'inbound.messenger',
    senderId: 'psid-sofia-rossi',
    senderName: 'Sofia Rossi',
    text: 'Ciao! Do you ship to Italy?',
    mid: 'mid.sofia.1',
  });
  demo.ago(38 * MINUTE).system({
    type: 'inbound.messenger',
    senderId: 'psid-sofia-rossi',
    text: 'And how long does delivery to Milan take?',
    mid: 'mid.sofia.2',
  });

  // A support-form submission.
  demo.ago(2 * HOUR).system({
    type: 'inbound.form',
    formId: 'support-form',
    fields: {
      name: 'Noah Williams',
      email: 'noah.williams@mailbox.example',
      subject: 'Cannot reset my password',
      message: 'The reset link in your email says "expired" even when I click it right away. I tried three times.',
    },
  });

  // An unassigned email.
  demo.ago(30 * MINUTE).email({
    from: 'amelia.hughes@fintrust.example',
    fromName: 'Amelia Hughes',
    subject: 'Data processing agreement',
    text: 'Good afternoon,\n\nBefore we sign up, could you send us your data processing agreement and a list of sub-processors?\n\nAmelia Hughes\nFinTrust',
    messageId: '<dpa-request@fintrust.example>',
  });

  // W5 / V9: the bot is handling a chat (switched on just for it, then off again).
  demo.agent(anna, {
    type: 'settings.update',
    patch: {
      bot: {
        enabled: true,
        greeting: 'Hi! I am the Confab bot. Ask me anything, or talk to a person.',
        quickReplies: ['Pricing', 'Opening hours'],
      },
    },
  });
  const hana = demo
    .ago(8 * MINUTE)
    .visitor('contact-hana', { type: 'visitor.startChat', text: 'Hi, are you open on Saturdays?' })['conversationId']!;
  demo
    .ago(7 * MINUTE)
    .visitor('contact-hana', { type: 'visitor.message', conversationId: hana, text: 'Opening hours' });
  // The bot off again, and the team's canned responses (issue 16), in English and Dutch.
  demo.agent(anna, {
    type: 'settings.update',
    patch: {
      bot: { enabled: false },
      cannedResponses: [
        {
          shortcut: 'hello',
          title: 'Greeting',
          text: {
            en: "Hi {{contact.name}}, thanks for reaching out! I'm {{agent.name}} and I'll help you today.",
            nl: 'Hoi {{contact.name}}, bedankt voor je bericht! Ik ben {{agent.name}} en ik help je vandaag verder.',
          },
        },
        {
          shortcut: 'hours',
          title: 'Opening hours',
          text: {
            en: "We're here Monday to Friday, 9:00–17:00 (CET). Outside those hours, leave your email and we'll get back to you.",
            nl: 'We zijn er van maandag tot en met vrijdag, 9:00–17:00 (CET). Laat buiten die tijden je e-mailadres achter, dan nemen we contact met je op.',
          },
        },
        {
          shortcut: 'pricing',
          title: 'Pricing',
          text: {
            en: 'Our plans start at €29 per month for three seats, chat widget and email included. Every plan is on our pricing page.',
            nl: 'Onze abonnementen beginnen bij €29 per maand voor drie gebruikers, chatwidget en e-mail inbegrepen. Alle abonnementen staan op onze prijzenpagina.',
          },
        },
        {
          shortcut: 'thanks',
          title: 'Closing thanks',
          text: {
            en: 'Glad I could help, {{contact.name}}! If anything else comes up, just reply here.',
            nl: 'Fijn dat ik je kon helpen, {{contact.name}}! Heb je nog iets, antwoord dan gewoon hier.',
          },
        },
      ],
    },
  });

  // T5 email: a blocked sender, and their next mail already filtered.
  const rick = demo.ago(2 * DAY).email({
    from: 'rick@cheap-watches.example',
    fromName: 'Rick Sellers',
    subject: 'Luxury watches 90% off!!!',
    text: 'Best replica watches, free shipping worldwide. Reply now!',
    messageId: '<promo-1@cheap-watches.example>',
  });
  demo.agent(dev, { type: 'conversation.blockSender', conversationId: rick });
  demo.ago(5 * HOUR).email({
    from: 'rick@cheap-watches.example',
    subject: 'Last chance: watches 95% off',
    text: 'Final offer, reply today.',
    messageId: '<promo-2@cheap-watches.example>',
  });

  // T5 chat: a blocked visitor whose later messages never reach the team.
  const troll = demo
    .ago(3 * HOUR)
    .visitor('contact-troll', { type: 'visitor.startChat', text: 'lol your product is garbage' })['conversationId']!;
  demo.agent(dev, { type: 'conversation.blockSender', conversationId: troll });
  demo.ago(2 * HOUR + 50 * MINUTE).visitor('contact-troll', {
    type: 'visitor.message',
    conversationId: troll,
    text: 'hello?? why is nobody answering',
  });

  // T6: spam.
  const lottery = demo.ago(9 * HOUR).email({
    from: 'claims@lottery-prize.example',
    fromName: 'International Lottery Board',
    subject: 'You have WON €1,000,000',
    text: 'Dear winner, send your bank details to claim your prize.',
    messageId: '<win-8812@lottery-prize.example>',
  });
  demo.agent(anna, { type: 'conversation.markSpam', conversationId: lottery });

  // V10: role-based addresses and promotional mail.
  demo.ago(11 * HOUR).email({
    from: 'newsletter@saas-weekly.example',
    fromName: 'SaaS Weekly',
    subject: 'This week: pricing pages that convert',
    text: 'Ten pricing pages we loved this month, and what they have in common.',
    messageId: '<issue-212@saas-weekly.example>',
  });
  demo.ago(26 * HOUR).email({
    from: 'info@conference.example',
    fromName: 'SupportConf',
    subject: 'Early-bird tickets end Friday',
    text: 'Join 2,000 support leaders in Amsterdam this October.',
    messageId: '<eb-2026@conference.example>',
  });
  demo.ago(14 * HOUR).email({
    from: 'offers@shoply.example',
    fromName: 'Shoply',
    subject: 'Your exclusive weekend deal',
    text: 'Save 20% on office supplies this weekend only.',
    messageId: '<weekend-deal@shoply.example>',
    promotional: true,
  });

  // V11: trash.
  const jonas = demo.ago(4 * DAY).email({
    from: 'jonas.berg@example.org',
    fromName: 'Jonas Berg',
    subject: 'Test',
    text: 'test test, please ignore',
    messageId: '<test-1@example.org>',
  });
  demo.agent(ben, { type: 'conversation.trash', conversationIds: [jonas] });

  // V12 / C1: a sent-only email with no answer yet.
  demo.ago(DAY).agent(anna, {
    type: 'email.compose',
    to: 'olivia@parkdesign.example',
    subject: 'Following up on the webinar',
    text: 'Hi Olivia,\n\nThanks for joining our webinar yesterday! Would a 20-minute demo for your design team be useful?\n\nBest,\nAnna',
  });

  const feedback: Feedback[] = [
    {
      id: 'feedback-liam-1',
      contactId: 'contact-liam',
      kind: 'loyalty',
      score: 9,
      comment: 'Great support, always quick.',
      submittedAt: now - 20 * DAY,
    },
    {
      id: 'feedback-emma-1',
      contactId: 'contact-emma',
      kind: 'satisfaction',
      score: 4,
      comment: 'Helpful, but the export limits were a surprise.',
      submittedAt: now - 6 * DAY,
    },
    {
      id: 'feedback-grace-1',
      contactId: 'contact-grace',
      kind: 'support',
      score: 5,
      comment: 'Very thorough answers on security.',
      submittedAt: now - 2 * DAY,
    },
    {
      id: 'feedback-priya-1',
      contactId: 'contact-priya',
      kind: 'loyalty',
      score: 6,
      comment: 'Good product; invoices could be clearer.',
      submittedAt: now - 3 * DAY + HOUR,
    },
    {
      id: 'feedback-mateo-1',
      contactId: 'contact-mateo',
      kind: 'satisfaction',
      score: 5,
      comment: 'Solved in minutes!',
      submittedAt: now - 2 * DAY + HOUR,
    },
  ];
  demo.add(...feedback.map((record): ConfabEvent => ({ type: 'feedback.upserted', feedback: record })));
  demo.add({
    type: 'deal.upserted',
    deal: {
      id: 'deal-northwind-renewal',
      name: 'Northwind annual renewal',
      amount: 18000,
      currency: 'EUR',
      stage: 'Closed won',
      contactId: 'contact-liam',
      conversationId: null,
      createdAt: now - 60 * DAY,
    },
  });
  demo.add({
    type: 'ticket.upserted',
    ticket: {
      id: 'ticket-liam-sso',
      name: 'SSO setup for Northwind',
      contactId: 'contact-liam',
      conversationId: null,
      properties: { status: 'Closed', priority: 'Low' },
      createdAt: now - 40 * DAY,
    },
  });
  demo.add({
    type: 'view.upserted',
    view: {
      id: 'view-open-email',
      name: 'Open email',
      filter: { status: 'open', channels: ['email'] },
      builtIn: false,
    },
  });

  // The demo's mail was sent long ago: nothing for a mailer to pick up.
  return demo.events
    .filter((event) => event.type !== 'email.queued')
    .map((event) =>
      event.type === 'message.upserted' && event.message.delivery === 'queued'
        ? { type: 'message.upserted', message: { ...event.message, delivery: 'sent' } }
        : event,
    );
}

// ---- Generated data ---------------------------------------------------------------------------

/** mulberry32: a small, fast, seeded generator (same seed, same data, everywhere). */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST_NAMES = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Mateo',
  'Sofia',
  'Lucas',
  'Mia',
  'Hugo',
  'Yara',
  'Daan',
  'Zoë',
  'Ethan',
  'Aisha',
  'Kenji',
  'Priya',
  'Omar',
  'Freya',
  'Ines',
  'Jonas',
  'Chloé',
  'Arjun',
  'Léa',
];
const LAST_NAMES = [
  'Smith',
  'de Vries',
  'García',
  'Rossi',
  'Chen',
  'Okafor',
  'Nair',
  'Müller',
  'Jansen',
  'Kowalski',
  'Silva',
  'Dubois',
  'Berg',
  'Tanaka',
  'Hughes',
  'Moreau',
  'Novak',
  'Ahmed',
  'Park',
  'Larsen',
];
const DOMAINS = [
  'example.com',
  'mailbox.example',
  'northwind.example',
  'fintrust.example',
  'parkdesign.example',
  'lumenhealth.example',
];
const TOPICS = [
  {
    subject: 'Invoice question',
    opening: 'I have a question about invoice',
    detail: 'The amount is higher than last month and I cannot see why.',
  },
  {
    subject: 'Password reset not working',
    opening: 'The password reset link for account',
    detail: 'says it has expired as soon as I open it.',
  },
  { subject: 'Shipping to Italy', opening: 'Do you ship order', detail: 'to Milan, and how long does delivery take?' },
  {
    subject: 'Upgrade to Business plan',
    opening: 'We would like to upgrade workspace',
    detail: 'to the Business plan before the end of the month.',
  },
  {
    subject: 'CSV export greyed out',
    opening: 'The CSV export button in report',
    detail: 'is greyed out since the last update.',
  },
  {
    subject: 'Refund request',
    opening: 'Please refund order',
    detail: 'because it arrived damaged. Photos are attached.',
  },
  {
    subject: 'API rate limits',
    opening: 'Our integration hits rate limits on request',
    detail: 'What are the limits on the Pro plan?',
  },
  {
    subject: 'Add a team member',
    opening: 'How do I add a colleague to team',
    detail: 'without paying for an extra seat?',
  },
  {
    subject: 'Mobile app logs me out',
    opening: 'The mobile app logs me out of session',
    detail: 'every few minutes on Android 14.',
  },
  {
    subject: 'Data processing agreement',
    opening: 'Could you send the DPA for contract',
    detail: 'together with your list of sub-processors?',
  },
];
const ANSWERS = [
  'Thanks for reaching out! I have looked into it and fixed it on our side.',
  'Good question. I have forwarded this to our billing team; you will hear from us today.',
  'Sorry about the trouble! Could you tell me which browser you are using?',
  'Happy to help. I have sent you a step-by-step guide by email.',
  'That should work now. Let me know if anything else comes up!',
];
const FOLLOW_UPS = [
  'Thank you, that worked!',
  'It still does not work, unfortunately.',
  'Great, thanks for the quick reply.',
  'Could you also check my other account?',
];
const COMMENTS = [
  'Known issue, see the release notes.',
  'Customer on a trial: be generous.',
  'Escalate to billing if it happens again.',
];

/**
 * `count` conversations (each with a contact and one to three messages), spread over channels,
 * status, assignees and views (V1–V12), deterministic for a `seed`. Starts with the demo agents.
 * Ids are `g<seed>-…`, so two generated sets with different seeds can be combined.
 */
export function generateConversations(count: number, seed: number): ConfabEvent[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const chance = (p: number) => random() < p;
  const events: ConfabEvent[] = DEMO_AGENTS.map((agent) => ({ type: 'agent.upserted', agent }));
  const end = Date.UTC(2026, 0, 31);
  const span = 120 * DAY;
  const prefix = `g${seed}`;

  for (let index = 0; index < count; index += 1) {
    const channel: Channel = pick(['email', 'email', 'email', 'chat', 'chat', 'messenger', 'form']);
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    const contactId = `${prefix}-p${index}`;
    const startedAt = end - Math.floor(random() * span);
    const contact: Contact = {
      ...newContact({
        id: contactId,
        name: `${first} ${last}`,
        email:
          channel === 'messenger'
            ? ''
            : `${first}.${last}.${index}@${pick(DOMAINS)}`.toLowerCase().replace(/[^a-z0-9.@-]/g, ''),
        now: startedAt,
      }),
      properties: { plan: pick(['Starter', 'Pro', 'Business']), customerNumber: `C-${100000 + index}` },
    };
    const topic = pick(TOPICS);
    const conversationId = `${prefix}-c${index}`;
    const sentOnly = channel === 'email' && chance(0.04);
    const botActive = channel === 'chat' && !sentOnly && chance(0.06);
    let filtered: FilteredReason | null = null;
    if (!botActive && !sentOnly && chance(0.07)) {
      filtered = channel === 'email' ? pick(['spam', 'role-address', 'promotional', 'blocked'] as const) : 'blocked';
      // A blocked chat visitor's messages would be suppressed; keep generated blocked chats to other channels.
      if (channel === 'chat') filtered = null;
    }
    if (filtered === 'blocked') contact.blocked = true;
    events.push({ type: 'contact.upserted', contact });

    let conversation: Conversation = {
      ...newConversation({
        id: conversationId,
        channel,
        contactId,
        participantIds: [contactId],
        subject: channel === 'email' || channel === 'form' ? `${topic.subject} #${10000 + index}` : '',
        now: startedAt,
      }),
      filtered,
    };
    const messages: Message[] = [];
    const messageCount = sentOnly ? 1 : 1 + Math.floor(random() * 3);
    let time = startedAt;
    for (let position = 0; position < messageCount; position += 1) {
      const inbound = sentOnly ? false : position % 2 === 0;
      const text =
        position === 0
          ? `${sentOnly ? 'Following up on' : topic.opening} #${10000 + index}: ${topic.detail}`
          : inbound
            ? pick(FOLLOW_UPS)
            : pick(ANSWERS);
      const message = newMessage({
        id: `${prefix}-m${index}-${position}`,
        conversationId,
        kind: 'reply',
        direction: inbound ? 'inbound' : 'outbound',
        authorType: inbound ? 'contact' : botActive ? 'bot' : 'agent',
        authorId: inbound ? contactId : botActive ? '' : DEMO_AGENT_IDS[index % DEMO_AGENT_IDS.length]!,
        text,
        createdAt: time,
      });
      if (channel === 'email') {
        message.email = {
          from: inbound ? contact.email : 'support@confab.example',
          to: [inbound ? 'support@confab.example' : contact.email],
          cc: [],
          subject: conversation.subject,
          messageId: `<${message.id}@${inbound ? 'mail.example' : 'confab'}>`,
        };
        if (!inbound) message.delivery = 'sent';
      }
      messages.push(message);
      conversation = withMessage(conversation, message);
      time += (1 + Math.floor(random() * 90)) * MINUTE;
    }
    if (!sentOnly && chance(0.1)) {
      const comment = newMessage({
        id: `${prefix}-m${index}-note`,
        conversationId,
        kind: 'comment',
        direction: 'outbound',
        authorType: 'agent',
        authorId: pick(DEMO_AGENT_IDS),
        text: pick(COMMENTS),
        createdAt: time,
      });
      messages.push(comment);
      conversation = withMessage(conversation, comment);
    }
    conversation.sentOnly = sentOnly;
    conversation.bot = botActive ? 'active' : channel === 'chat' && chance(0.2) ? 'handed-over' : 'none';
    conversation.assigneeId = botActive ? null : sentOnly || chance(0.65) ? pick(DEMO_AGENT_IDS) : null;
    conversation.status = !botActive && chance(0.25) ? 'closed' : 'open';
    if (chance(0.03)) conversation.trashedAt = time;
    if (!sentOnly && chance(0.07)) {
      const ticketId = `${prefix}-t${index}`;
      conversation.ticketId = ticketId;
      events.push({
        type: 'ticket.upserted',
        ticket: {
          id: ticketId,
          name: topic.subject,
          contactId,
          conversationId,
          properties: { status: 'Open', priority: pick(['Low', 'Medium', 'High']) },
          createdAt: time,
        },
      });
    }
    events.push({ type: 'conversation.upserted', conversation });
    for (const message of messages) events.push({ type: 'message.upserted', message });
  }
  return events;
}
