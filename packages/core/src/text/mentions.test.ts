import { expect } from '@open-wc/testing';
import { mentionedIds, mentionSuggestions } from './mentions.js';

const ann = { id: 'a-ann', name: 'Ann' };
const anna = { id: 'a-anna', name: 'Anna' };
const annLee = { id: 'a-ann-lee', name: 'Ann Lee' };
const zoe = { id: 'a-zoe', name: 'Zoë' };
const team = [ann, anna, annLee, zoe];

describe('mentions in a comment (C3)', () => {
  it('a name is mentioned only as a whole: "@Ann" is not "@Anna"', () => {
    expect(mentionedIds('@Anna can you check?', team)).to.deep.equal(['a-anna']);
    expect(mentionedIds('@Ann can you check?', team)).to.deep.equal(['a-ann']);
    expect(mentionedIds('@Ann, @Anna.', team)).to.deep.equal(['a-ann', 'a-anna']);
  });

  it('where two names start at one @, the longer wins; each agent once, in order of mention', () => {
    expect(mentionedIds('@Ann Lee and @Ann, then @Ann Lee again', team)).to.deep.equal(['a-ann-lee', 'a-ann']);
  });

  it('an address or a word before the @ mentions no one; letters beyond ASCII end and continue names', () => {
    expect(mentionedIds('mail ops@Ann or x@Zoë', team)).to.deep.equal([]);
    expect(mentionedIds('(@Zoë) thanks', team)).to.deep.equal(['a-zoe']);
    expect(mentionedIds('@Zoëlle', team)).to.deep.equal([]);
    expect(mentionedIds('@Annë', team)).to.deep.equal([]);
  });

  it('no agents, no text, or an agent without a name mention no one', () => {
    expect(mentionedIds('', team)).to.deep.equal([]);
    expect(mentionedIds('@Ann', [])).to.deep.equal([]);
    expect(mentionedIds('@ hello', [{ id: 'x', name: '' }])).to.deep.equal([]);
  });
});

describe('teammates offered while @ is typed (C3)', () => {
  it('a name or any word of it that starts with the query, ignoring case, in the order given', () => {
    expect(mentionSuggestions(team, 'ann').map((agent) => agent.id)).to.deep.equal(['a-ann', 'a-anna', 'a-ann-lee']);
    expect(mentionSuggestions(team, 'LEE').map((agent) => agent.id)).to.deep.equal(['a-ann-lee']);
    expect(mentionSuggestions(team, 'zo').map((agent) => agent.id)).to.deep.equal(['a-zoe']);
    expect(mentionSuggestions(team, 'x')).to.deep.equal([]);
  });

  it('an empty query offers everyone, up to the limit', () => {
    expect(mentionSuggestions(team, '')).to.have.length(4);
    expect(mentionSuggestions(team, '', 2).map((agent) => agent.id)).to.deep.equal(['a-ann', 'a-anna']);
  });
});
