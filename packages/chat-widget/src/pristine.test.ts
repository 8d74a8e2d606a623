import { expect } from '@open-wc/testing';
import type { PristineGlobals } from './boot.js';
import { createGuard, defineElement } from './pristine.js';

function pristineNow(): PristineGlobals {
  return {
    stringify: JSON.stringify,
    parse: JSON.parse,
    fetch: window.fetch,
    WebSocket: window.WebSocket,
    define: customElements.define,
    arrayMethods: Object.getOwnPropertyDescriptors(Array.prototype),
  };
}

describe('pristine globals', () => {
  it('W1 the guard runs our work with the original JSON and array methods, then gives the page its patches back', () => {
    const guard = createGuard(pristineNow());
    const original = { stringify: JSON.stringify, map: Array.prototype.map };
    const arrayPrototype = Array.prototype as unknown as { toJSON?: () => unknown };
    const patchedStringify = () => 'patched';
    const patchedMap = function () {
      return ['patched'];
    };
    arrayPrototype.toJSON = () => 'not an array';
    JSON.stringify = patchedStringify as typeof JSON.stringify;
    Array.prototype.map = patchedMap as typeof Array.prototype.map;
    let inside = '';
    let mapped: unknown[] = [];
    try {
      inside = guard(() => JSON.stringify({ list: [1, 2] }));
      mapped = guard(() => [1, 2].map((n) => n * 2));
      expect(() =>
        guard(() => {
          throw new Error('our bug');
        }),
      ).to.throw('our bug');
      expect(JSON.stringify, 'restored after a throw too').to.equal(patchedStringify);
      expect(Array.prototype.map).to.equal(patchedMap);
      expect(arrayPrototype.toJSON).to.be.a('function');
    } finally {
      delete arrayPrototype.toJSON;
      JSON.stringify = original.stringify;
      Array.prototype.map = original.map;
    }
    expect(inside).to.equal('{"list":[1,2]}');
    expect(mapped).to.deep.equal([2, 4]);
  });

  it('W1 an element name the page already took gets a numbered name instead', () => {
    class Theirs extends HTMLElement {}
    class Ours extends HTMLElement {}
    customElements.define('confab-test-taken', Theirs);
    expect(defineElement('confab-test-taken', Ours)).to.equal('confab-test-taken-2');
    expect(defineElement('confab-test-taken', Ours), 'asking again finds it').to.equal('confab-test-taken-2');
    expect(customElements.get('confab-test-taken')).to.equal(Theirs);
  });
});
