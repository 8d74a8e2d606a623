// Type test (scripts/element-types.test.mjs): each `@ts-expect-error` line must be an error, and
// everything else must compile. What Vue's template check reads: `$props` and `$emit`.
import type {} from '@confab/react/vue';
import type { GlobalComponents } from 'vue';
import type { OpenRecordDetail } from '@confab/inbox-elements';

type Thread = InstanceType<GlobalComponents['confab-thread']>;
type Chat = InstanceType<GlobalComponents['confab-chat']>;

export const correct: Thread['$props'] = { conversationId: 'c1', class: 'wide', id: 'thread' };
export const chat: Chat['$props'] = { open: true, position: 'left' };
// @ts-expect-error conversationId is a string
export const wrongPropType: Thread['$props'] = { conversationId: 42 };
// @ts-expect-error position is left or right
export const wrongValue: Chat['$props'] = { position: 'top' };

declare const emitOfThread: Thread['$emit'];
emitOfThread('confab-open-record', new CustomEvent<OpenRecordDetail>('confab-open-record'));
// @ts-expect-error a record's event carries a record, not a conversation
emitOfThread('confab-open-record', new CustomEvent<{ conversationId: string }>('confab-open-record'));
// @ts-expect-error the thread fires no such event
emitOfThread('confab-filter-change', new CustomEvent('confab-filter-change'));
