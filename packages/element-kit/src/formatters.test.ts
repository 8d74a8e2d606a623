import { expect } from '@open-wc/testing';
import { cachedFormatter } from './formatters.js';

describe('formatter cache', () => {
  it('makes a formatter once per key and hands the same one to every caller', () => {
    let made = 0;
    const make = () => {
      made += 1;
      return new Intl.DateTimeFormat('nl', { timeStyle: 'short', timeZone: 'UTC' });
    };
    const first = cachedFormatter('test-time:nl', make);
    expect(cachedFormatter('test-time:nl', make)).to.equal(first);
    expect(made).to.equal(1);
    expect(first.format(Date.UTC(2026, 0, 1, 9, 5))).to.equal('09:05');
  });
});
