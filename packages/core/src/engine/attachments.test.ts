import { expect } from '@open-wc/testing';
import { ConfabError } from '../protocol/errors.js';
import { validateCommand, MAX_ATTACHMENTS } from '../protocol/validate.js';
import { attachmentViews, attachmentRefusal, formatFileSize } from '../files/attachments.js';
import { attachmentCarrier, mayDownloadAttachment } from './attachments.js';
import { projectEvent, snapshotFor } from './engine.js';
import { asAgent, asVisitor, Inbox } from './engine-harness.test-util.js';

const file = (n: number, patch: Record<string, unknown> = {}) => ({
  id: `fil_${String(n).padStart(22, 'A')}`,
  name: `photo-${n}.png`,
  type: 'image/png',
  size: 1200 * n,
  ...patch,
});

function refusal(command: unknown): ConfabError {
  try {
    validateCommand(command);
  } catch (error) {
    return error as ConfabError;
  }
  throw new Error('expected a refusal');
}

describe('engine: attachments (issue 16)', () => {
  it('a reply, a comment and a visitor message carry their files; a file alone is a message', () => {
    const inbox = new Inbox();
    inbox.addAgent('ann');
    const emma = inbox.addVisitor('Emma');
    const conversationId = inbox.startChat(emma);
    inbox.run(asAgent('ann'), { type: 'message.reply', conversationId, text: '', attachments: [file(1)] });
    inbox.run(asAgent('ann'), {
      type: 'message.comment',
      conversationId,
      text: 'inside',
      mentions: [],
      attachments: [file(2)],
    });
    inbox.run(asVisitor(emma), { type: 'visitor.message', conversationId, text: '', attachments: [file(3)] });
    const carried = inbox.messages(conversationId).map((message) => message.attachments.map((a) => a.id));
    expect(carried.slice(-3)).to.deep.equal([[file(1).id], [file(2).id], [file(3).id]]);
  });

  it('refuses malformed refs, too many, and a message with neither text nor file, naming the field', () => {
    const base = { type: 'message.reply', conversationId: 'c1', text: '' };
    expect(refusal(base).path).to.equal('text');
    expect(refusal({ ...base, attachments: [] }).path).to.equal('text');
    expect(refusal({ ...base, attachments: [file(1, { id: '../etc/passwd' })] }).path).to.equal('attachments.0.id');
    expect(refusal({ ...base, attachments: [file(1, { size: -1 })] }).path).to.equal('attachments.0.size');
    expect(refusal({ ...base, attachments: [file(1, { url: 'javascript:1' })] }).path).to.equal('attachments.0.url');
    const many = Array.from({ length: MAX_ATTACHMENTS + 1 }, (_, index) => file(index + 1));
    expect(refusal({ ...base, attachments: many }).code).to.equal('too-large');
    expect(validateCommand({ ...base, text: 'hi', attachments: [] })).to.deep.equal({ ...base, text: 'hi' });
  });

  it("R2 a visitor's projection carries a reply's files and never a comment's; only they may download them", () => {
    const inbox = new Inbox();
    inbox.addAgent('ann');
    const emma = inbox.addVisitor('Emma');
    const other = inbox.addVisitor('Otto');
    const conversationId = inbox.startChat(emma);
    const reply = inbox.run(asAgent('ann'), {
      type: 'message.reply',
      conversationId,
      text: 'x',
      attachments: [file(1)],
    });
    const comment = inbox.run(asAgent('ann'), {
      type: 'message.comment',
      conversationId,
      text: 'y',
      mentions: [],
      attachments: [file(2)],
    });
    const seen = JSON.stringify([
      ...[...reply.events, ...comment.events].map((event) => projectEvent(inbox.state, asVisitor(emma), event)),
      snapshotFor(inbox.state, asVisitor(emma), 1),
    ]);
    expect(seen).to.contain(file(1).id);
    expect(seen).to.not.contain(file(2).id);
    const replyCarrier = attachmentCarrier(inbox.state, file(1).id, [conversationId])!;
    const commentCarrier = attachmentCarrier(inbox.state, file(2).id, [conversationId])!;
    expect(mayDownloadAttachment(asVisitor(emma), replyCarrier)).to.equal(true);
    expect(mayDownloadAttachment(asVisitor(other), replyCarrier)).to.equal(false);
    expect(mayDownloadAttachment(asVisitor(emma), commentCarrier)).to.equal(false);
    expect(mayDownloadAttachment(asAgent('ann'), commentCarrier)).to.equal(true);
    expect(attachmentCarrier(inbox.state, file(9).id, [conversationId])).to.equal(null);
  });

  it('shows raster images inline and everything else (SVG too) as a file with its size for people', () => {
    const views = attachmentViews(
      [
        file(1, { size: 1_234_567 }),
        file(2, { type: 'image/svg+xml', size: 512 }),
        file(3, { type: 'application/pdf' }),
      ],
      'https://chat.example/',
      'nl',
    );
    expect(views.map((view) => view.kind)).to.deep.equal(['image', 'file', 'file']);
    expect(views[0]!.sizeText).to.equal('1,2 MB');
    expect(views[1]!.sizeText).to.equal('512 B');
    expect(views[0]!.url).to.equal(`https://chat.example/api/files/${file(1).id}`);
    expect(formatFileSize(14_200)).to.equal('14 KB');
    expect(attachmentRefusal({ type: 'image/svg+xml', size: 10 })).to.equal('type-not-allowed');
    expect(attachmentRefusal({ type: 'image/png', size: 11 * 1024 * 1024 })).to.equal('too-large');
    expect(attachmentRefusal({ type: 'image/png', size: 10 })).to.equal(null);
  });
});
