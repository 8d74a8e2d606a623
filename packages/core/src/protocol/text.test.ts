import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { ConfabError } from './errors.js';
import { MAX_TEXT_LENGTH } from './frames.js';
import { composedText, validateCommand, wellFormedText } from './validate.js';
import { PREVIEW_LENGTH, previewOf } from '../engine/records.js';

/**
 * The rules for message text, alone (the browser round trip in chat-widget proves them end to
 * end): text is kept as written, lone surrogates become U+FFFD, previews are cut between graphemes,
 * composers drop only stray blank lines before and whitespace after.
 */
const SEED = 7_070_707;
const LONE_SURROGATE = /\p{Cs}/u;
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.string({ unit: 'grapheme-composite', maxLength: 200 }),
  fc.string({
    unit: fc.constantFrom(' ', '\n', '\r\n', '\t', '\u00a0', '\ud800', '\udc00', '👍🏽', 'e\u0301', 'x'),
    maxLength: 300,
  }),
);

function graphemeBoundaries(text: string): Set<number> {
  const boundaries = new Set([0]);
  let end = 0;
  for (const { segment } of new Intl.Segmenter().segment(text)) boundaries.add((end += segment.length));
  return boundaries;
}

function refusal(run: () => unknown): ConfabError {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(ConfabError);
    return error as ConfabError;
  }
  throw new Error('expected a ConfabError');
}

describe('message text', () => {
  it('W1 validation keeps text as written except lone surrogates, which become U+FFFD (same length)', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const clean = wellFormedText(text);
        expect(clean.length).to.equal(text.length);
        expect(clean).not.to.match(LONE_SURROGATE);
        for (let at = 0; at < text.length; at += 1) {
          if (clean[at] !== text[at]) expect(clean[at]).to.equal('\ufffd');
        }
        // Chromium's own rule agrees (String.prototype.toWellFormed, not yet in TypeScript's lib).
        expect(clean).to.equal((text as string & { toWellFormed(): string }).toWellFormed());
        if (text.trim() !== '') {
          const command = validateCommand({ type: 'visitor.message', conversationId: 'c1', text });
          expect(command).to.deep.equal({ type: 'visitor.message', conversationId: 'c1', text: clean });
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
    expect(wellFormedText('a\ud800b\udfff👍e\u0301')).to.equal('a\ufffdb\ufffd👍e\u0301');
  });

  it('W1 a lone lead surrogate before a non-ASCII character becomes U+FFFD too (JavaScriptCore’s /\\p{Cs}/u misses it)', () => {
    expect(wellFormedText('\ud800Ａ\ud83d한')).to.equal('\ufffdＡ\ufffd한');
  });

  it('W1 blank text is refused as invalid and text past MAX_TEXT_LENGTH as too-large, both naming the field', () => {
    for (const blank of ['', ' ', '\r\n\t', '\u00a0\u3000\u2028\ufeff']) {
      const error = refusal(() => validateCommand({ type: 'visitor.message', conversationId: 'c1', text: blank }));
      expect([error.code, error.path]).to.deep.equal(['invalid', 'text']);
    }
    const longest = '👍'.repeat(MAX_TEXT_LENGTH / 2);
    expect(validateCommand({ type: 'message.reply', conversationId: 'c1', text: longest })).to.have.property(
      'text',
      longest,
    );
    const error = refusal(() => validateCommand({ type: 'message.reply', conversationId: 'c1', text: `${longest}x` }));
    expect([error.code, error.path]).to.deep.equal(['too-large', 'text']);
  });

  it('L2 a list preview is one line cut between graphemes, never inside an emoji or a surrogate pair', () => {
    fc.assert(
      fc.property(anyText, (raw) => {
        const text = wellFormedText(raw);
        const flat = text.replace(/\s+/g, ' ').trim();
        const preview = previewOf(text);
        expect(preview).not.to.match(LONE_SURROGATE);
        expect(preview.length).to.be.at.most(PREVIEW_LENGTH);
        if (flat.length <= PREVIEW_LENGTH) {
          expect(preview).to.equal(flat);
          return;
        }
        const head = preview.slice(0, -1);
        expect(preview.endsWith('…')).to.equal(true);
        expect(flat.startsWith(head)).to.equal(true);
        expect(graphemeBoundaries(flat).has(head.length), JSON.stringify(preview)).to.equal(true);
      }),
      { seed: SEED, numRuns: 300 },
    );
    expect(previewOf(`ab${'👍🏽'.repeat(100)}`)).to.equal(`ab${'👍🏽'.repeat(34)}…`);
  });

  it('W1 a composer sends what was typed, without stray blank lines before it or whitespace after it', () => {
    expect(composedText('\n \n    def hello():\n\n        pass  \n\n')).to.equal('    def hello():\n\n        pass');
    expect(composedText('  1. first\r\n  2. second\t\r\n')).to.equal('  1. first\r\n  2. second');
    expect(composedText(' \n\t\u00a0 ')).to.equal('');
    fc.assert(
      fc.property(anyText, (typed) => {
        const sent = composedText(typed);
        expect(sent === '').to.equal(typed.trim() === '');
        expect(typed.includes(sent)).to.equal(true);
        expect(sent.trimEnd()).to.equal(sent);
        expect(composedText(sent)).to.equal(sent);
        // Only whitespace is dropped, and nothing of the first line that has text.
        expect(typed.trim()).to.equal(sent.trim());
        const firstLine = typed.split(/\r\n|[\r\n\u2028\u2029]/).find((line) => line.trim() !== '');
        if (firstLine !== undefined) expect(sent.startsWith(firstLine.trimEnd())).to.equal(true);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
