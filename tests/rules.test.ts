import { describe, expect, it } from 'vitest';
import { checkRules, luhnValid, ruleProblem } from '../workers/align/rules';

describe('personal-data rules', () => {
  it.each([
    ['Write to jane.doe@example.org today.', 'email', 'jane.doe@example.org'],
    ['Call +44 20 7946 0958 after six.', 'phone', '+44 20 7946 0958'],
    ['Call (555) 123-4567.', 'phone', '(555) 123-4567'],
    ['Card 4111 1111 1111 1111 expires soon.', 'card', '4111 1111 1111 1111'],
  ])('finds %s', (sentence, kind, match) => {
    const found = checkRules(sentence);
    expect(found.map((f) => [f.kind, f.match])).toContainEqual([kind, match]);
  });

  it('leaves ordinary numbers, versions and failed checksums alone', () => {
    expect(checkRules('In 1969, 3 astronauts flew 384400 km on version 1.2.3.')).toEqual([]);
    expect(checkRules('Card 4111 1111 1111 1112.').filter((f) => f.kind === 'card')).toEqual([]);
  });

  it('applies user phrases case-insensitively and user patterns as regular expressions', () => {
    const found = checkRules('Project Falcon ships in Q3.', [{ text: 'project falcon' }, { text: 'Q[1-4]', regex: true }]);
    expect(found.map((f) => f.match)).toEqual(['Project Falcon', 'Q3']);
  });

  it('ignores an invalid user pattern instead of throwing', () => {
    expect(checkRules('text', [{ text: '(', regex: true }])).toEqual([]);
  });

  it('implements Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('0')).toBe(false);
  });

  it('refuses rules that would fail nearly every sentence, and never runs them', () => {
    expect(ruleProblem({ text: '.', regex: true })).toMatch(/matches any character/);
    expect(ruleProblem({ text: 'x*', regex: true })).toMatch(/matches empty text/);
    expect(ruleProblem({ text: '[', regex: true })).toMatch(/not a valid pattern/);
    expect(ruleProblem({ text: '.' })).toMatch(/no letter or digit/);
    expect(ruleProblem({ text: 'secret' })).toBeNull();
    expect(ruleProblem({ text: '\\bproject \\w+', regex: true })).toBeNull();
    expect(checkRules('The tower is tall.', [{ text: '.', regex: true }, { text: '.' }])).toEqual([]);
  });
});
