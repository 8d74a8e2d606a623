import { expect, fixture, html } from '@open-wc/testing';
import { externalLink, renderText } from './text.js';

describe('text renderer', () => {
  it('links http(s) and mailto in user text by one rule, and keeps everything else text', async () => {
    const element = await fixture<HTMLParagraphElement>(
      html`<p>${renderText('see https://ok.example/x. or javascript:alert(1) <b>x</b> mailto:a@b.example', 'link')}</p>`,
    );
    const links = [...element.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal(['https://ok.example/x', 'mailto:a@b.example']);
    expect(links.map((a) => [a.rel, a.target, a.getAttribute('part')])).to.deep.equal([
      ['noopener noreferrer', '_blank', 'link'],
      ['noopener noreferrer', '_blank', 'link'],
    ]);
    expect(element.querySelector('b')).to.equal(null);
    expect(element.textContent).to.equal('see https://ok.example/x. or javascript:alert(1) <b>x</b> mailto:a@b.example');
  });

  it('gives a link no part unless asked, and an unsafe URL no link at all', async () => {
    const element = await fixture<HTMLDivElement>(
      html`<div>${renderText('https://a.example')} ${externalLink('javascript:alert(1)', 'not a link')}</div>`,
    );
    expect([...element.querySelectorAll('a')].map((a) => a.hasAttribute('part'))).to.deep.equal([false]);
    expect(element.textContent).to.equal('https://a.example not a link');
  });
});
