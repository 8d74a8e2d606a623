import { expect, fixture, html } from '@open-wc/testing';
import '../test/frames.js';
import { safeUrl } from '@confab/core';
import { fillTemplate, linkify } from './safe-url.js';

describe('safe links', () => {
  it('T1 only absolute http, https and mailto URLs are links', () => {
    expect(safeUrl('https://example.com/a?b=1')).to.equal('https://example.com/a?b=1');
    expect(safeUrl('mailto:ann@example.com')).to.equal('mailto:ann@example.com');
    for (const bad of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<b>x</b>',
      'vbscript:x',
      '/relative',
      '',
      ' javascript:alert(1)',
    ]) {
      expect(safeUrl(bad), bad).to.equal(undefined);
    }
  });

  it('T3 host URL templates escape the values they are filled with', () => {
    expect(fillTemplate('https://crm.example/{type}/{id}', { type: 'ticket', id: '1/../../admin?x=<y>' })).to.equal(
      'https://crm.example/ticket/1%2F..%2F..%2Fadmin%3Fx%3D%3Cy%3E',
    );
    expect(fillTemplate('javascript:open({id})', { id: '1' })).to.equal(undefined);
    expect(fillTemplate(undefined, { id: '1' })).to.equal(undefined);
  });

  it('T1 linkify turns http(s) and mailto into safe links and leaves everything else as text', async () => {
    const element = await fixture<HTMLParagraphElement>(
      html`<p>
        ${linkify('see https://ok.example/x. or javascript:alert(1) <a href="javascript:alert(2)">x</a> mailto:a@b.example')}
      </p>`,
    );
    const links = [...element.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal(['https://ok.example/x', 'mailto:a@b.example']);
    expect(links.every((a) => a.rel === 'noopener noreferrer' && a.target === '_blank')).to.equal(true);
    expect(element.textContent).to.contain('<a href="javascript:alert(2)">x</a>');
  });
});
