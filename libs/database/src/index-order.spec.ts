import { inLiterals } from './index-order';

describe('inLiterals', () => {
  it('writes the constants out as a list of literals', () => {
    expect(inLiterals('c.status', ['open', 'in_review'])).toBe(`c.status IN ('open', 'in_review')`);
  });

  it.each([["o'pen"], ['open); DROP TABLE cases; --'], ['Open'], ['']])('refuses %j, no constant of ours', (value) => {
    expect(() => inLiterals('status', ['open', value])).toThrow(/not a constant/);
  });
});
