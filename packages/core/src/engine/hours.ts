import type { BusinessHours } from '../model/model.js';

/**
 * Business hours (issue 17, S2, G1): whether the team is open at an instant, in the workspace's
 * IANA time zone. Time is always passed in, so the rule is the same in the engine, the server's
 * scheduler and the widget's availability selector, and tests run it on fixed clocks.
 */

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/** "09:30" → 570; "24:00" → 1440 (a range may end at midnight). */
export function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

const clocks = new Map<string, Intl.DateTimeFormat>();
function clock(timeZone: string): Intl.DateTimeFormat {
  let format = clocks.get(timeZone);
  if (!format)
    clocks.set(
      timeZone,
      (format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        weekday: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
      })),
    );
  return format;
}

/** The wall clock in `timeZone` at `now`: its weekday (Monday 0) and the wall time as if it were UTC. */
function wallClock(timeZone: string, now: number): { weekday: number; wall: number } {
  const parts: Record<string, string> = {};
  for (const part of clock(timeZone).formatToParts(now)) parts[part.type] = part.value;
  const wall = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!);
  return { weekday: WEEKDAYS[parts.weekday!] ?? 0, wall };
}

/**
 * Whether the team is open at `now`. Without hours, or with them switched off, it always is. A
 * range holds from its opening minute up to, not including, its closing minute.
 *
 * @example
 * isOpenAt(settings.hours, Date.now()) // false on Sunday at 03:00 in the team's zone
 */
export function isOpenAt(hours: BusinessHours | undefined, now: number): boolean {
  if (!hours?.enabled) return true;
  const { weekday, wall } = wallClock(hours.timeZone, now);
  const minute = Math.floor((wall % DAY) / MINUTE);
  return (hours.week[weekday] ?? []).some(
    (range) => minutesOf(range.open) <= minute && minute < minutesOf(range.close),
  );
}

/** The first instant at which the wall clock in `timeZone` shows `wall` or later (in a DST gap: the jump). */
function instantOf(timeZone: string, wall: number): number {
  const guess = wall - (wallClock(timeZone, wall).wall - wall);
  const at = wall - (wallClock(timeZone, guess).wall - guess);
  const shown = wallClock(timeZone, at).wall;
  if (shown === wall) return at;
  // Skipped by the clock: the jump is between `at` moved back by the gap and `at`; find its minute.
  let before = at - (shown - wall);
  let after = at;
  while (after - before > MINUTE) {
    const middle = before + Math.floor((after - before) / MINUTE / 2) * MINUTE;
    if (wallClock(timeZone, middle).wall >= wall) after = middle;
    else before = middle;
  }
  return after;
}

/**
 * The next instant after `now` at which the team opens or closes, or null when that never happens
 * (no hours, switched off, or the same every minute of the week). The widget's availability and
 * the server's routing at opening time wait for it.
 */
export function nextHoursChange(hours: BusinessHours | undefined, now: number): number | null {
  if (!hours?.enabled) return null;
  const open = isOpenAt(hours, now);
  const { weekday, wall } = wallClock(hours.timeZone, now);
  const midnight = wall - (wall % DAY);
  let next: number | null = null;
  for (let day = 0; day <= 7; day += 1) {
    for (const range of hours.week[(weekday + day) % 7] ?? []) {
      for (const time of [range.open, range.close]) {
        const at = instantOf(hours.timeZone, midnight + day * DAY + minutesOf(time) * MINUTE);
        if (at > now && (next === null || at < next) && isOpenAt(hours, at) !== open) next = at;
      }
    }
    if (next !== null) return next;
  }
  return next;
}
