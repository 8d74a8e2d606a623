// Type test (scripts/element-types.test.mjs): each `@ts-expect-error` line must be an error, and
// everything else must compile.
import type {} from '@confab/react/jsx';
import type { InboxClient, VisitorClient } from '@confab/core';

declare const client: InboxClient;
declare const visitorClient: VisitorClient;

export const correct = (
  <>
    <confab-thread
      client={client}
      conversationId="c1"
      className="wide"
      onconfab-open-record={(event) => event.detail.id.toUpperCase()}
    />
    <confab-filter-bar onconfab-filter-change={(event) => event.detail.search.trim()} />
    <confab-chat client={visitorClient} open onconfab-message-sent={(event) => event.detail.text.trim()} />
    <confab-team-section />
  </>
);

// @ts-expect-error conversationId is a string
export const wrongPropType = <confab-thread conversationId={42} />;
// @ts-expect-error the thread has no such property
export const unknownProp = <confab-thread conversationID="c1" />;
// @ts-expect-error a record's detail has no conversationId
export const wrongDetail = <confab-thread onconfab-open-record={(event) => event.detail.conversationId} />;
export const wrongHandler = (
  // @ts-expect-error the handler wants another event than the element fires
  <confab-chat onconfab-message-sent={(event: CustomEvent<{ conversationId: number }>) => event} />
);
// @ts-expect-error no such tag
export const unknownTag = <confab-nothing />;
