// The report mix the benchmark sends: a fixed set of channels (2,000 by default) reported with a Zipf-like skew,
// each channel written in the link forms people actually paste (web links, `s/` previews, post links, tg://resolve,
// @handles with a platform, alternate domains), a skewed category mix, some reports from API keys, and a pool of
// reporter addresses sent in X-Forwarded-For (the API runs with TRUST_PROXY=true) so cases gain distinct reporters.
// Seeded, so two runs send the same sequence.

/** mulberry32: small, fast, seedable. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks from `[value, weight]` pairs. */
function weighted(pairs) {
  const total = pairs.reduce((sum, [, w]) => sum + w, 0);
  const cumulative = [];
  let acc = 0;
  for (const [value, w] of pairs) cumulative.push([value, (acc += w / total)]);
  return (random) => {
    const x = random();
    for (const [value, edge] of cumulative) if (x < edge) return value;
    return cumulative[cumulative.length - 1][0];
  };
}

/** Rank r (0-based) drawn with probability ∝ 1 / (r + 1)^s. */
function zipf(n, s) {
  const cdf = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) cdf[i] = acc += 1 / Math.pow(i + 1, s);
  for (let i = 0; i < n; i++) cdf[i] /= acc;
  return (random) => {
    const x = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export const CATEGORY_MIX = [
  ['propaganda', 34],
  ['glorification', 20],
  ['recruitment', 15],
  ['other', 9],
  ['financing', 7],
  ['instructional', 7],
  ['attack_claim', 6],
  ['threat_to_life', 2],
];

const PLATFORM_MIX = [
  ['telegram', 64],
  ['telegram_invite', 6],
  ['vk', 10],
  ['vk_club', 4],
  ['tamtam', 8],
  ['x', 8],
];

const WORDS = ['amaq', 'nashir', 'khilafah', 'sawt', 'bayan', 'ansar', 'furat', 'ghuraba', 'wilayat', 'minbar', 'sahm', 'dabiq'];
const SUFFIXES = ['news', 'media', 'feed', 'official', 'agency', 'archive', 'voice'];
const ORGANISATIONS = ['ISIS', 'Islamic State', 'al-Shabaab', 'Hayat Tahrir al-Sham', 'الدولة الإسلامية', 'داعش', 'Boko Haram'];
const DESCRIPTIONS = [
  ['en', 'This channel posts execution videos and calls on followers to join the fighters. Reposted from {name}.'],
  ['en', 'Daily propaganda bulletins with the group logo; asks for donations in crypto to fund operations.'],
  ['en', 'Claims responsibility for the attack yesterday and shares the attacker’s statement.'],
  ['ar', 'هذه القناة تنشر إصدارات التنظيم وتدعو إلى الالتحاق بالمقاتلين، وتعيد نشر بيانات {name}.'],
  ['ar', 'قناة تمجد منفذي الهجوم وتنشر صور القتلى مع عبارات التهديد.'],
  ['ar', 'يجمع التبرعات عبر العملات الرقمية لدعم المجاهدين ويشارك روابط القناة الجديدة.'],
  ['fr', 'Cette chaîne diffuse des vidéos de propagande et appelle à rejoindre le groupe armé.'],
  ['ru', 'Канал публикует пропаганду группировки и призывает присоединиться к боевикам.'],
];
const LANGUAGE_GIVEN = 0.5;

function pad(n, width) {
  return String(n).padStart(width, '0');
}

/** One channel of the fixed set: its expected canonical key and the link forms it is reported under. */
function makeChannel(index, kind, random) {
  const word = WORDS[index % WORDS.length];
  const suffix = SUFFIXES[Math.floor(index / WORDS.length) % SUFFIXES.length];
  const post = () => 1 + Math.floor(random() * 5000);
  const mixedCase = (name) => name.charAt(0).toUpperCase() + name.slice(1);
  switch (kind) {
    case 'telegram': {
      const name = `${word}_${suffix}_${pad(index, 4)}`;
      return {
        key: `telegram:${name}`,
        forms: weighted([
          [() => ({ channel: `https://t.me/${name}` }), 34],
          [() => ({ channel: `t.me/s/${name}` }), 12],
          [() => ({ channel: `@${mixedCase(name)}`, platform: 'telegram' }), 14],
          [() => ({ channel: `tg://resolve?domain=${name}` }), 8],
          [() => ({ channel: `https://t.me/${name}/${post()}` }), 16],
          [() => ({ channel: `https://t.me/s/${name}/${post()}` }), 5],
          [() => ({ channel: `https://telegram.me/${mixedCase(name)}` }), 6],
          [() => ({ channel: name, platform: 'telegram' }), 5],
        ]),
      };
    }
    case 'telegram_invite': {
      const code = `AbX${pad(index, 4)}q${(index * 7919).toString(36)}Zk`;
      return {
        key: `telegram:+${code}`,
        forms: weighted([
          [() => ({ channel: `https://t.me/+${code}` }), 60],
          [() => ({ channel: `https://t.me/joinchat/${code}` }), 30],
          [() => ({ channel: `tg://join?invite=${code}`, platform: 'telegram' }), 10],
        ]),
      };
    }
    case 'vk': {
      const name = `${word}.${suffix}${pad(index, 4)}`;
      return {
        key: `vk:${name}`,
        forms: weighted([
          [() => ({ channel: `https://vk.com/${name}` }), 50],
          [() => ({ channel: `https://m.vk.com/${name}` }), 20],
          [() => ({ channel: `@${name}`, platform: 'vk' }), 15],
          [() => ({ channel: `vk.com/${name}?w=wall-1_${post()}` }), 15],
        ]),
      };
    }
    case 'vk_club': {
      const id = 100000 + index;
      return {
        key: `vk:club${id}`,
        forms: weighted([
          [() => ({ channel: `https://vk.com/club${id}` }), 40],
          [() => ({ channel: `https://vk.com/public${id}` }), 25],
          [() => ({ channel: `https://vk.com/wall-${id}_${post()}` }), 35],
        ]),
      };
    }
    case 'tamtam': {
      const name = `${word}${suffix}${pad(index, 4)}`;
      return {
        key: `tamtam:${name}`,
        forms: weighted([
          [() => ({ channel: `https://tamtam.chat/${name}` }), 50],
          [() => ({ channel: `tt.me/${mixedCase(name)}/` }), 30],
          [() => ({ channel: `@${name}`, platform: 'tamtam' }), 20],
        ]),
      };
    }
    case 'x': {
      const name = `${word.slice(0, 5)}_${pad(index, 4)}`;
      return {
        key: `x:${name}`,
        forms: weighted([
          [() => ({ channel: `https://x.com/${mixedCase(name)}` }), 40],
          [() => ({ channel: `https://twitter.com/${name}/status/${1_700_000_000_000_000_000n + BigInt(post())}` }), 40],
          [() => ({ channel: `@${name}`, platform: 'x' }), 20],
        ]),
      };
    }
    default:
      throw new Error(`unknown channel kind ${kind}`);
  }
}

/**
 * A generator of report requests over `channelCount` channels. `next()` returns `{ body, headers, key }` where
 * `key` is the canonical key the API must answer with.
 */
export function createWorkload({ channelCount = 2000, zipfExponent = 1.0, seed = 6, apiKeys = {} } = {}) {
  const random = rng(seed);
  const kind = weighted(PLATFORM_MIX);
  const channels = Array.from({ length: channelCount }, (_, i) => makeChannel(i, kind(random), random));
  const rank = zipf(channelCount, zipfExponent);
  const category = weighted(CATEGORY_MIX);
  const source = weighted([
    ['public', 87],
    ['trusted_flagger', 10],
    ['referral_unit', 3],
  ]);
  // Reporter addresses from the benchmarking range (RFC 2544), a few frequent and many occasional ones.
  const reporter = zipf(20_000, 0.8);
  let counter = 0;

  return {
    channels,
    next() {
      counter++;
      const channel = channels[rank(random)];
      const form = channel.forms(random)();
      const [language, template] = DESCRIPTIONS[Math.floor(random() * DESCRIPTIONS.length)];
      const name = channel.key.slice(channel.key.indexOf(':') + 1);
      const body = {
        ...form,
        category: category(random),
        description: `${template.replace('{name}', name)} (#${counter})`,
      };
      if (random() < LANGUAGE_GIVEN) body.language = language;
      if (random() < 0.3) body.organization = ORGANISATIONS[Math.floor(random() * ORGANISATIONS.length)];
      if (random() < 0.4) body.evidenceUrls = [`https://evidence.example.org/${counter}`];
      if (random() < 0.2) body.subscribers = Math.floor(random() * 200_000);
      const headers = { 'content-type': 'application/json' };
      const from = source(random);
      if (from !== 'public' && apiKeys[from]) headers['x-api-key'] = apiKeys[from];
      else {
        const r = reporter(random);
        headers['x-forwarded-for'] = `198.18.${r >> 8}.${r & 255}`;
      }
      if (from === 'referral_unit' && headers['x-api-key'] && random() < 0.1) body.removalOrder = true;
      return { body, headers, key: channel.key };
    },
  };
}
