import type { DeliveryState } from '@confab/core';
import type { Backend } from '@confab/core/backend';

/** What a thread shows of a sender's failure: its first line, short (the log has the whole). */
export function shortReason(reason: string): string {
  const firstLine = reason.split(/\r?\n/)[0]!.trim();
  return firstLine.length > 200 ? `${firstLine.slice(0, 199)}…` : firstLine;
}

/**
 * Records a delivery on the message itself, so the thread shows it: the state, and while retrying
 * or once failed the other side's answer. The engine has no delivery command: a sender (trusted
 * server code) appends the message's upsert with the new state; projection still applies (a
 * visitor never sees `deliveryError`). Nothing is appended when the message already says so.
 */
export async function markDelivery(
  backend: Backend,
  at: { conversationId: string; messageId: string },
  state: DeliveryState,
  failure?: string,
): Promise<void> {
  const message = backend.state.messages.get(at.conversationId)?.find((candidate) => candidate.id === at.messageId);
  const deliveryError = failure === undefined ? undefined : shortReason(failure);
  if (!message || (message.delivery === state && message.deliveryError === deliveryError)) return;
  const { deliveryError: _previous, ...rest } = message;
  await backend.append([
    {
      type: 'message.upserted',
      message: { ...rest, delivery: state, ...(deliveryError === undefined ? {} : { deliveryError }) },
    },
  ]);
}
