// A part registered alone brings the parts it renders and nothing else (issue 21, item 4).
import { expect } from '@open-wc/testing';
import './thread/define.js';

describe('define/<part>.js', () => {
  it('define/thread.js registers <confab-thread> and the reply editor inside it, and no other part', () => {
    expect(customElements.get('confab-thread')).to.exist;
    expect(customElements.get('confab-reply-editor')).to.exist;
    for (const tag of ['confab-inbox', 'confab-conversation-list', 'confab-view-list', 'confab-about-panel'])
      expect(customElements.get(tag), tag).to.equal(undefined);
  });
});
