import { expect, fixture } from '@open-wc/testing';
import { html, render } from 'lit';
import { safeUrl } from '@confab/core';
import { externalLink, renderText } from './text.js';

describe('message text (the widget and the inbox)', () => {
  it('W1 only http, https and mailto URLs are safe to link to', () => {
    expect(safeUrl('https://example.com/a?b=1')).to.equal('https://example.com/a?b=1');
    expect(safeUrl('http://example.com')).to.equal('http://example.com/');
    expect(safeUrl('mailto:help@example.com')).to.equal('mailto:help@example.com');
    for (const bad of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<b>x</b>',
      'vbscript:msgbox',
      '/relative',
      'not a url',
    ]) {
      expect(safeUrl(bad), bad).to.equal(undefined);
    }
  });

  it('W1 text with markup renders as text, links keep trailing punctuation outside', () => {
    const text = '<b>bold?</b> see https://example.com/x). and javascript:alert(1), mail mailto:a@b.example.';
    const element = document.createElement('p');
    render(html`${renderText(text)}`, element);
    expect(element.textContent).to.equal(text);
    expect(element.querySelector('b')).to.equal(null);
    const links = [...element.querySelectorAll('a')];
    expect(links.map((link) => link.getAttribute('href'))).to.deep.equal([
      'https://example.com/x',
      'mailto:a@b.example',
    ]);
    expect(links.map((link) => link.textContent)).to.deep.equal(['https://example.com/x', 'mailto:a@b.example']);
    expect(links.every((link) => link.rel.includes('noopener') && link.target === '_blank')).to.equal(true);
  });

  it('W1 a 64 K line with no space gets a break opportunity every 64 characters and reads the same', () => {
    const text = `${'A'.repeat(40_000)} https://example.com/${'p'.repeat(20_000)} end`;
    const element = document.createElement('p');
    render(html`${renderText(text)}`, element);
    expect(element.textContent).to.equal(text);
    // A run of n characters gets ceil(n / 64) - 1 breaks; the link is a run of its own.
    expect(element.querySelectorAll('wbr').length).to.equal(Math.ceil(40_000 / 64) - 1 + Math.ceil(20_020 / 64) - 1);
    expect(element.querySelector('a')!.textContent).to.equal(`https://example.com/${'p'.repeat(20_000)}`);
  });
});

describe('the one link rule', () => {
  it('links http(s) and mailto in user text by one rule, and keeps everything else text', async () => {
    const element = await fixture<HTMLParagraphElement>(
      html`<p>
        ${renderText('see https://ok.example/x. or javascript:alert(1) <b>x</b> mailto:a@b.example', 'link')}
      </p>`,
    );
    const links = [...element.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal(['https://ok.example/x', 'mailto:a@b.example']);
    expect(links.map((a) => [a.rel, a.target, a.getAttribute('part')])).to.deep.equal([
      ['noopener noreferrer', '_blank', 'link'],
      ['noopener noreferrer', '_blank', 'link'],
    ]);
    expect(element.querySelector('b')).to.equal(null);
    expect(element.textContent!.trim()).to.equal(
      'see https://ok.example/x. or javascript:alert(1) <b>x</b> mailto:a@b.example',
    );
  });

  it('gives a link no part unless asked, and an unsafe URL no link at all', async () => {
    const element = await fixture<HTMLDivElement>(
      html`<div>${renderText('https://a.example')} ${externalLink('javascript:alert(1)', 'not a link')}</div>`,
    );
    expect([...element.querySelectorAll('a')].map((a) => a.hasAttribute('part'))).to.deep.equal([false]);
    expect(element.textContent).to.equal('https://a.example not a link');
  });
});
