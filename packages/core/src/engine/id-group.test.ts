import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { addToGroup, idsOf, removeFromGroup, type IdGroup } from './state.js';

describe('engine id groups', () => {
  it('keep the ids a Set would, in the same order, as ids come and go', () => {
    const step = fc.record({ add: fc.boolean(), key: fc.constantFrom('a', 'b'), id: fc.integer({ min: 0, max: 40 }) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 120 }), (steps) => {
        const groups = new Map<string, IdGroup>();
        const model = new Map<string, Set<string>>();
        for (const { add, key, id } of steps) {
          if (add) {
            addToGroup(groups, key, `c${id}`);
            model.set(key, (model.get(key) ?? new Set()).add(`c${id}`));
          } else {
            removeFromGroup(groups, key, `c${id}`);
            model.get(key)?.delete(`c${id}`);
          }
          expect(idsOf(groups.get(key)).includes(`c${id}`)).to.equal(model.get(key)?.has(`c${id}`) ?? false);
        }
        expect([...groups.keys()]).to.deep.equal([...model.keys()]);
        for (const [key, ids] of model) {
          expect(idsOf(groups.get(key))).to.deep.equal([...ids]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
