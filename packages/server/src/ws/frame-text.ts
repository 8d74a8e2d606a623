import type { ServerFrame } from '@confab/core';

/**
 * Each committed event's JSON, kept while the event object lives: one commit fans out to every
 * socket of its workspace with the same event objects (a visitor's frame differs only in its own
 * stream numbers), so an event is serialised once per process rather than once per socket.
 */
const eventText = new WeakMap<object, string>();

function textOfEvent(event: object): string {
  let text = eventText.get(event);
  if (text === undefined) {
    text = JSON.stringify(event);
    eventText.set(event, text);
  }
  return text;
}

/**
 * A frame's JSON text, the same as JSON.stringify(frame) gives. An `events` frame of the usual
 * shape ({v, type, events: [{seq, cause, event}]}) is put together from its events' cached JSON;
 * any other frame, or one with other keys, is serialised whole.
 */
export function frameText(frame: ServerFrame): string {
  if (frame.type !== 'events' || Object.keys(frame).length !== 3) return JSON.stringify(frame);
  const parts: string[] = [];
  for (const sequenced of frame.events) {
    const { seq, cause, event } = sequenced;
    if (Object.keys(sequenced).length !== 3 || cause === undefined || typeof event !== 'object' || event === null)
      return JSON.stringify(frame);
    parts.push(`{"seq":${JSON.stringify(seq)},"cause":${JSON.stringify(cause)},"event":${textOfEvent(event)}}`);
  }
  return `{"v":${JSON.stringify(frame.v)},"type":"events","events":[${parts.join(',')}]}`;
}
