// The benchmark's report mix must stay what the API accepts, and fold into the channels it claims to: a link form the
// API stopped recognising would turn part of every run into 400s (failing the 0-errors target for the wrong reason),
// and one that canonicalised elsewhere would spread the Zipf head over more channels than the bench says.
import { canonicaliseChannel } from '@vigil/domain';
import { SubmitReportDto } from '../../../apps/api/src/dto/submit-report.dto';
import { apiValidationPipe } from '../../../apps/api/src/http/validation.pipe';
import { createWorkload, rng } from './workload.mjs';

const pipe = apiValidationPipe();
const API_KEYS = { trusted_flagger: 'vk_test_trusted', referral_unit: 'vk_test_referral' };

describe('bench workload', () => {
  it('writes every link form of every channel so that the API canonicalises it to that channel', () => {
    const workload = createWorkload({ channelCount: 2000 });
    const random = rng(11);
    const shapes = new Set();
    const misfiled = [];
    for (const channel of workload.channels) {
      for (let draw = 0; draw < 30; draw++) {
        const form = channel.forms(random)();
        // A form's shape: its link with the channel's name and any number blotted out (`https://t.me/s/NAME/#`).
        const name = channel.key.slice(channel.key.indexOf(':') + 1).replace(/^\+/, '');
        const shape = form.channel.split(new RegExp(name, 'i')).join('NAME').replace(/[0-9]+/g, '#');
        shapes.add(`${shape} ${form.platform ?? ''}`);
        let key;
        try {
          key = canonicaliseChannel(form.channel, form.platform).key;
        } catch (error) {
          key = `refused: ${error.message}`;
        }
        if (key !== channel.key) misfiled.push({ form, key, expected: channel.key });
      }
    }
    expect(misfiled.slice(0, 5)).toEqual([]);
    // Every form the module lists was drawn, none lost to a weighting slip: 24 forms over the six channel kinds, of
    // which a VK name's link and a VK club's link share a shape.
    expect([...shapes].sort()).toHaveLength(23);
  });

  it('sends bodies and headers the API validates, with API keys only where the source has one', async () => {
    const workload = createWorkload({ channelCount: 2000, apiKeys: API_KEYS });
    const sources = { public: 0, keyed: 0, removalOrders: 0 };
    for (let i = 0; i < 3000; i++) {
      const { body, headers } = workload.next();
      await expect(pipe.transform(body, { type: 'body', metatype: SubmitReportDto })).resolves.toBeInstanceOf(
        SubmitReportDto,
      );
      if (headers['x-api-key']) {
        sources.keyed++;
        expect(Object.values(API_KEYS)).toContain(headers['x-api-key']);
        expect(headers['x-forwarded-for']).toBeUndefined();
      } else {
        sources.public++;
        expect(headers['x-forwarded-for']).toMatch(/^198\.18\.\d{1,3}\.\d{1,3}$/);
      }
      if (body.removalOrder) {
        sources.removalOrders++;
        expect(headers['x-api-key']).toBe(API_KEYS.referral_unit);
      }
    }
    // 87 % public, 13 % through the two keys, a few removal orders from the referral unit.
    expect(sources.keyed / 3000).toBeGreaterThan(0.09);
    expect(sources.keyed / 3000).toBeLessThan(0.17);
    expect(sources.removalOrders).toBeGreaterThan(0);
  });

  it('skews reports to a Zipf head: the top channel ~12 % of 20,000, most channels still reported', () => {
    const workload = createWorkload({ channelCount: 2000 });
    const counts = new Map();
    for (let i = 0; i < 20_000; i++) {
      const { key } = workload.next();
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const ranked = [...counts.values()].sort((a, b) => b - a);
    // 1 / H(2000) = 12.2 % for the first rank, half that for the second.
    expect(ranked[0] / 20_000).toBeGreaterThan(0.105);
    expect(ranked[0] / 20_000).toBeLessThan(0.14);
    expect(ranked[1] / ranked[0]).toBeGreaterThan(0.35);
    expect(ranked[1] / ranked[0]).toBeLessThan(0.65);
    expect(counts.size).toBeGreaterThan(1500);
  });

  it('sends the same sequence for the same seed, another for another seed', () => {
    const take = (seed) => {
      const workload = createWorkload({ channelCount: 2000, seed, apiKeys: API_KEYS });
      return Array.from({ length: 50 }, () => workload.next());
    };
    expect(take(6)).toEqual(take(6));
    expect(take(7)).not.toEqual(take(6));
  });
});
