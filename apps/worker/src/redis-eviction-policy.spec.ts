import { evictionPolicyNotice } from './redis-eviction-policy';

describe('evictionPolicyNotice', () => {
  it('says nothing when Redis never evicts', () => {
    expect(evictionPolicyNotice('noeviction')).toBeNull();
  });

  it.each(['allkeys-lru', 'volatile-lru', 'allkeys-random', 'volatile-ttl'])('warns about %s, naming it', (policy) => {
    const notice = evictionPolicyNotice(policy);
    expect(notice?.level).toBe('warn');
    expect(notice?.message).toContain(`"${policy}"`);
    expect(notice?.message).toContain('noeviction');
  });

  it('only notes, without warning, that the policy could not be read (CONFIG refused on a managed Redis)', () => {
    expect(evictionPolicyNotice(null)).toEqual({ level: 'log', message: expect.stringMatching(/could not read/i) });
  });
});
