import { expect } from '@open-wc/testing';
import type { BusinessHours } from '../model/model.js';
import { projectEvent } from './engine.js';
import { asAgent, asVisitor, Inbox, SYSTEM } from './engine-harness.test-util.js';
import { isOpenAt, nextHoursChange } from './hours.js';

const nineToFive = { open: '09:00', close: '17:00' };
/** Amsterdam: weekdays 9–17, Saturday 10–12:30, Sunday closed. */
const AMSTERDAM: BusinessHours = {
  enabled: true,
  timeZone: 'Europe/Amsterdam',
  week: [[nineToFive], [nineToFive], [nineToFive], [nineToFive], [nineToFive], [{ open: '10:00', close: '12:30' }], []],
};

describe('engine: business hours (issue 17)', () => {
  it('is open from the opening minute up to the closing minute, in the team’s zone, not the clock’s', () => {
    // Monday 5 January 2026 (winter: Amsterdam is UTC+1).
    expect(isOpenAt(AMSTERDAM, Date.UTC(2026, 0, 5, 7, 59))).to.equal(false);
    expect(isOpenAt(AMSTERDAM, Date.UTC(2026, 0, 5, 8, 0))).to.equal(true);
    expect(isOpenAt(AMSTERDAM, Date.UTC(2026, 0, 5, 15, 59))).to.equal(true);
    expect(isOpenAt(AMSTERDAM, Date.UTC(2026, 0, 5, 16, 0))).to.equal(false);
    // Saturday 10 January 10:00–12:30; Sunday closed all day.
    expect(isOpenAt(AMSTERDAM, Date.UTC(2026, 0, 10, 11, 29))).to.equal(true);
    expect(isOpenAt(AMSTERDAM, Date.UTC(2026, 0, 10, 11, 30))).to.equal(false);
    expect(isOpenAt(AMSTERDAM, Date.UTC(2026, 0, 11, 10, 0))).to.equal(false);
  });

  it('follows the zone across the spring and autumn DST changes (the wall clock, not UTC, opens the door)', () => {
    // Summer time starts Sunday 29 March 2026: Monday 30 March opens at 09:00 CEST = 07:00 UTC.
    expect(isOpenAt(AMSTERDAM, Date.UTC(2026, 2, 27, 8, 0)), 'Friday before, 09:00 CET').to.equal(true);
    expect(isOpenAt(AMSTERDAM, Date.UTC(2026, 2, 30, 6, 59))).to.equal(false);
    expect(isOpenAt(AMSTERDAM, Date.UTC(2026, 2, 30, 7, 0))).to.equal(true);
    expect(isOpenAt(AMSTERDAM, Date.UTC(2026, 2, 30, 14, 59))).to.equal(true);
    expect(isOpenAt(AMSTERDAM, Date.UTC(2026, 2, 30, 15, 0))).to.equal(false);
    // Saturday 28 March closes 12:30 CET = 11:30 UTC; the next opening is Monday 07:00 UTC, past the change.
    expect(nextHoursChange(AMSTERDAM, Date.UTC(2026, 2, 28, 11, 30))).to.equal(Date.UTC(2026, 2, 30, 7, 0));
    // Winter time is back on Sunday 25 October 2026: Monday 26 opens at 08:00 UTC again.
    expect(nextHoursChange(AMSTERDAM, Date.UTC(2026, 9, 24, 12, 0))).to.equal(Date.UTC(2026, 9, 26, 8, 0));
  });

  it('a range may end at midnight, and a night opening inside the DST gap opens when the clock jumps past it', () => {
    const lateNight: BusinessHours = {
      enabled: true,
      timeZone: 'Europe/Amsterdam',
      week: [[], [], [], [], [], [], [{ open: '02:30', close: '24:00' }]],
    };
    // Sunday 29 March 2026 has no 02:30 in Amsterdam: 02:00 CET becomes 03:00 CEST (01:00 UTC).
    expect(nextHoursChange(lateNight, Date.UTC(2026, 2, 28, 12, 0))).to.equal(Date.UTC(2026, 2, 29, 1, 0));
    expect(isOpenAt(lateNight, Date.UTC(2026, 2, 29, 21, 59))).to.equal(true);
    expect(isOpenAt(lateNight, Date.UTC(2026, 2, 29, 22, 0)), 'midnight CEST').to.equal(false);
  });

  it('without hours, switched off, or never changing, the team is always open and nothing is scheduled', () => {
    expect(isOpenAt(undefined, 0)).to.equal(true);
    expect(isOpenAt({ ...AMSTERDAM, enabled: false }, Date.UTC(2026, 0, 11, 10, 0))).to.equal(true);
    expect(nextHoursChange({ ...AMSTERDAM, enabled: false }, 0)).to.equal(null);
    const never: BusinessHours = { enabled: true, timeZone: 'UTC', week: [[], [], [], [], [], [], []] };
    expect(isOpenAt(never, 0)).to.equal(false);
    expect(nextHoursChange(never, 0)).to.equal(null);
  });

  it('G1: a chat outside the hours waits unassigned; at the opening the waiting chats are routed in turn', () => {
    const inbox = new Inbox();
    inbox.addAgent('anna');
    inbox.addAgent('ben');
    inbox.run(asAgent('anna'), { type: 'settings.update', patch: { hours: AMSTERDAM } });
    // Sunday 11 January 2026, closed.
    inbox.now = Date.UTC(2026, 0, 11, 12, 0);
    const first = inbox.startChat(inbox.addVisitor('Emma'));
    const second = inbox.startChat(inbox.addVisitor('Noah'));
    expect(inbox.conversation(first).assigneeId).to.equal(null);
    expect(inbox.conversation(second).assigneeId).to.equal(null);
    // Monday 09:00 in Amsterdam: the server's scheduler gives the opening command.
    inbox.now = Date.UTC(2026, 0, 12, 8, 0);
    inbox.run(SYSTEM, { type: 'routing.routeWaiting' });
    expect([inbox.conversation(first).assigneeId, inbox.conversation(second).assigneeId]).to.deep.equal([
      'anna',
      'ben',
    ]);
    // Open now: a new chat is routed on arrival, and nothing is left waiting for the next opening.
    const third = inbox.startChat(inbox.addVisitor('Liam'));
    expect(inbox.conversation(third).assigneeId).to.equal('anna');
    expect(inbox.run(SYSTEM, { type: 'routing.routeWaiting' }).events).to.deep.equal([]);
  });

  it('settings refuse an unknown zone, a range that closes before it opens, and a week that is not seven days', () => {
    const inbox = new Inbox();
    inbox.addAgent('anna');
    const refuse = (hours: object) => inbox.refuse(asAgent('anna'), { type: 'settings.update', patch: { hours } }).path;
    expect(refuse({ timeZone: 'Mars/Olympus_Mons' })).to.equal('patch.hours.timeZone');
    expect(refuse({ week: [[{ open: '17:00', close: '09:00' }], [], [], [], [], [], []] })).to.equal(
      'patch.hours.week.0.0.close',
    );
    expect(refuse({ week: [[nineToFive]] })).to.equal('patch.hours.week');
    expect(refuse({ week: [[{ open: '9:00', close: '17:00' }], [], [], [], [], [], []] })).to.equal(
      'patch.hours.week.0.0.open',
    );
  });

  it('a visitor sees the hours (the widget tells availability from them) but nothing else of the team', () => {
    const inbox = new Inbox();
    inbox.addAgent('anna');
    const emma = inbox.addVisitor('Emma');
    const { events } = inbox.run(asAgent('anna'), { type: 'settings.update', patch: { hours: AMSTERDAM } });
    const seen = projectEvent(inbox.state, asVisitor(emma), events[0]!);
    expect(seen).to.deep.include({ type: 'settings.updated' });
    expect((seen as { settings: { hours: BusinessHours } }).settings.hours).to.deep.equal(AMSTERDAM);
  });
});
