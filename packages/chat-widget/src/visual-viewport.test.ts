import { expect } from '@open-wc/testing';
import { followVisualViewport } from './visual-viewport.js';

/** A window whose visual viewport the test moves, as an on-screen keyboard does. */
function windowWithKeyboard() {
  const viewport = Object.assign(new EventTarget(), { offsetTop: 0, height: 667 });
  const win = { visualViewport: viewport } as unknown as Window;
  const keyboard = (height: number, scrolledBy: number) => {
    Object.assign(viewport, { height: 667 - height, offsetTop: scrolledBy });
    viewport.dispatchEvent(new Event('resize'));
  };
  return { win, keyboard };
}

describe('followVisualViewport', () => {
  it('W1 keeps the visible top and height on the element as the keyboard opens, until stopped', () => {
    const element = document.createElement('div');
    const { win, keyboard } = windowWithKeyboard();
    const stop = followVisualViewport(element, win);
    const visible = () => [
      element.style.getPropertyValue('--confab-visible-top'),
      element.style.getPropertyValue('--confab-visible-height'),
    ];
    expect(visible()).to.deep.equal(['0px', '667px']);
    keyboard(260, 120);
    expect(visible()).to.deep.equal(['120px', '407px']);
    stop();
    keyboard(0, 0);
    expect(visible()).to.deep.equal(['120px', '407px']);
  });

  it('W1 without visualViewport sets nothing (the styles fall back to 100dvh)', () => {
    const element = document.createElement('div');
    followVisualViewport(element, { visualViewport: null } as unknown as Window)();
    expect(element.getAttribute('style')).to.equal(null);
  });
});
