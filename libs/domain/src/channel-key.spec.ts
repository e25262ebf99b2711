import { type CanonicalChannel, MAX_CHANNEL_INPUT_LENGTH, canonicaliseChannel } from './channel-key';
import { DomainError } from './errors';
import type { ChannelKind, Platform } from './taxonomy';

interface ValidCase {
  input: string;
  platform?: Platform;
  key: string;
  kind: ChannelKind;
  handle: string | null;
  url: string;
  postId: string | null;
}

interface InvalidCase {
  input: string;
  platform?: Platform;
  /** A fragment the error message must contain: the message has to say what is wrong. */
  message: string;
}

function ok(
  input: string,
  platform: Platform | undefined,
  key: string,
  kind: ChannelKind,
  handle: string | null,
  url: string,
  postId: string | null = null,
): ValidCase {
  return { input, platform, key, kind, handle, url, postId };
}

function bad(input: string, message: string, platform?: Platform): InvalidCase {
  return { input, platform, message };
}

function rejectionOf(input: string, platform?: Platform): DomainError {
  try {
    canonicaliseChannel(input, platform);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

const TG = 'https://t.me/example_channel';
const YT_ID = 'UCabcdefghijklmnopqrstuv';
const WA_CHANNEL = '0029VaAbCdEfGhIjKlMnOp12';

const valid: ValidCase[] = [
  // Telegram
  ok(TG, undefined, 'telegram:example_channel', 'channel', 'example_channel', TG),
  ok('t.me/example_channel', undefined, 'telegram:example_channel', 'channel', 'example_channel', TG),
  ok('http://t.me/example_channel', undefined, 'telegram:example_channel', 'channel', 'example_channel', TG),
  ok('  https://t.me/example_channel  ', undefined, 'telegram:example_channel', 'channel', 'example_channel', TG),
  ok('https://t.me/example_channel/123', undefined, 'telegram:example_channel', 'channel', 'example_channel', TG, '123'),
  ok('https://t.me/s/example_channel/456', undefined, 'telegram:example_channel', 'channel', 'example_channel', TG, '456'),
  ok('https://t.me/example_channel/10/20', undefined, 'telegram:example_channel', 'channel', 'example_channel', TG, '20'),
  ok('https://t.me/%65xample_channel', undefined, 'telegram:example_channel', 'channel', 'example_channel', TG),
  ok('https://example_channel.t.me/', undefined, 'telegram:example_channel', 'channel', 'example_channel', TG),
  ok('t.me:443/example_channel', 'telegram', 'telegram:example_channel', 'channel', 'example_channel', TG),
  ok('https://t.me/boost/example_channel', undefined, 'telegram:example_channel', 'channel', 'example_channel', TG),
  ok('https://t.me/Example_News_Bot?start=x', undefined, 'telegram:example_news_bot', 'bot', 'example_news_bot', 'https://t.me/example_news_bot'),
  ok('https://t.me/c/1234567890/55', undefined, 'telegram:id1234567890', 'channel', null, 'https://t.me/c/1234567890', '55'),
  ok('tg://privatepost?channel=1234567890&post=7', undefined, 'telegram:id1234567890', 'channel', null, 'https://t.me/c/1234567890', '7'),
  ok('https://t.me/+AbCdEf123_-x', undefined, 'telegram:+AbCdEf123_-x', 'invite', null, 'https://t.me/+AbCdEf123_-x'),
  ok('https://t.me/joinchat/AbCdEf123', undefined, 'telegram:+AbCdEf123', 'invite', null, 'https://t.me/+AbCdEf123'),
  ok('https://telegram.me/joinchat/AbCdEf123/', undefined, 'telegram:+AbCdEf123', 'invite', null, 'https://t.me/+AbCdEf123'),
  ok('tg://join?invite=AbCdEf123', 'telegram', 'telegram:+AbCdEf123', 'invite', null, 'https://t.me/+AbCdEf123'),
  ok('example_channel', 'telegram', 'telegram:example_channel', 'channel', 'example_channel', TG),

  // TamTam
  ok('https://tamtam.chat/examplechannel', undefined, 'tamtam:examplechannel', 'channel', 'examplechannel', 'https://tamtam.chat/examplechannel'),
  ok('tt.me/ExampleChannel/', undefined, 'tamtam:examplechannel', 'channel', 'examplechannel', 'https://tamtam.chat/examplechannel'),
  ok('@examplechannel', 'tamtam', 'tamtam:examplechannel', 'channel', 'examplechannel', 'https://tamtam.chat/examplechannel'),
  ok('https://tt.me/join/AbCdEf123', undefined, 'tamtam:+AbCdEf123', 'invite', null, 'https://tt.me/join/AbCdEf123'),

  // VK
  ok('https://vk.com/example_group', undefined, 'vk:example_group', 'channel', 'example_group', 'https://vk.com/example_group'),
  ok('https://m.vk.com/example_group', undefined, 'vk:example_group', 'channel', 'example_group', 'https://vk.com/example_group'),
  ok('https://vk.ru/Example_Group', undefined, 'vk:example_group', 'channel', 'example_group', 'https://vk.com/example_group'),
  ok('vk.com/example_group?w=wall-1_2', undefined, 'vk:example_group', 'channel', 'example_group', 'https://vk.com/example_group'),
  ok('@example_group', 'vk', 'vk:example_group', 'channel', 'example_group', 'https://vk.com/example_group'),
  ok('https://vk.com/id123456', undefined, 'vk:id123456', 'account', null, 'https://vk.com/id123456'),
  ok('https://vk.com/wall123456_7', undefined, 'vk:id123456', 'account', null, 'https://vk.com/id123456', '7'),
  ok('https://vk.com/club123', undefined, 'vk:club123', 'group', null, 'https://vk.com/club123'),
  ok('https://vk.com/public123', undefined, 'vk:club123', 'group', null, 'https://vk.com/club123'),
  ok('https://vk.com/event123', undefined, 'vk:club123', 'group', null, 'https://vk.com/club123'),
  ok('https://vk.com/wall-123_45', undefined, 'vk:club123', 'group', null, 'https://vk.com/club123', '45'),
  ok('@club123', 'vk', 'vk:club123', 'group', null, 'https://vk.com/club123'),

  // WhatsApp
  ok('https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv', undefined, 'whatsapp:+AbCdEfGhIjKlMnOpQrStUv', 'invite', null, 'https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv'),
  ok('chat.whatsapp.com/invite/AbCdEfGhIjKlMnOpQrStUv', 'whatsapp', 'whatsapp:+AbCdEfGhIjKlMnOpQrStUv', 'invite', null, 'https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv'),
  ok(`https://whatsapp.com/channel/${WA_CHANNEL}`, undefined, `whatsapp:${WA_CHANNEL}`, 'channel', null, `https://whatsapp.com/channel/${WA_CHANNEL}`),
  ok(`https://www.whatsapp.com/channel/${WA_CHANNEL}/105`, undefined, `whatsapp:${WA_CHANNEL}`, 'channel', null, `https://whatsapp.com/channel/${WA_CHANNEL}`, '105'),
  ok('https://wa.me/4915112345678', undefined, 'whatsapp:id4915112345678', 'account', null, 'https://wa.me/4915112345678'),
  ok('https://api.whatsapp.com/send?phone=4915112345678&text=hi', undefined, 'whatsapp:id4915112345678', 'account', null, 'https://wa.me/4915112345678'),

  // X
  ok('https://x.com/ExampleUser', undefined, 'x:exampleuser', 'account', 'exampleuser', 'https://x.com/exampleuser'),
  ok('https://twitter.com/exampleuser', undefined, 'x:exampleuser', 'account', 'exampleuser', 'https://x.com/exampleuser'),
  ok('https://mobile.twitter.com/exampleuser/', undefined, 'x:exampleuser', 'account', 'exampleuser', 'https://x.com/exampleuser'),
  ok('https://x.com/exampleuser/media', undefined, 'x:exampleuser', 'account', 'exampleuser', 'https://x.com/exampleuser'),
  ok('https://x.com/exampleuser/status/1234567890123456789?s=20', undefined, 'x:exampleuser', 'account', 'exampleuser', 'https://x.com/exampleuser', '1234567890123456789'),
  ok('https://twitter.com/ExampleUser/status/1234567890/photo/1', undefined, 'x:exampleuser', 'account', 'exampleuser', 'https://x.com/exampleuser', '1234567890'),
  ok('@ExampleUser', 'x', 'x:exampleuser', 'account', 'exampleuser', 'https://x.com/exampleuser'),

  // YouTube
  ok('https://www.youtube.com/@ExampleChannel', undefined, 'youtube:examplechannel', 'channel', 'examplechannel', 'https://youtube.com/@examplechannel'),
  ok('https://m.youtube.com/@examplechannel/videos', undefined, 'youtube:examplechannel', 'channel', 'examplechannel', 'https://youtube.com/@examplechannel'),
  ok('@ExampleChannel', 'youtube', 'youtube:examplechannel', 'channel', 'examplechannel', 'https://youtube.com/@examplechannel'),
  ok(`https://www.youtube.com/channel/${YT_ID}`, undefined, `youtube:channel/${YT_ID}`, 'channel', null, `https://youtube.com/channel/${YT_ID}`),
  ok(`youtube.com/channel/${YT_ID}/about`, undefined, `youtube:channel/${YT_ID}`, 'channel', null, `https://youtube.com/channel/${YT_ID}`),
  ok('https://www.youtube.com/c/ExampleName', undefined, 'youtube:c/examplename', 'channel', 'examplename', 'https://youtube.com/c/examplename'),
  ok('https://www.youtube.com/user/ExampleName/featured', undefined, 'youtube:user/examplename', 'channel', 'examplename', 'https://youtube.com/user/examplename'),

  // Discord
  ok('https://discord.gg/AbCdEf', undefined, 'discord:+AbCdEf', 'invite', null, 'https://discord.gg/AbCdEf'),
  ok('https://discord.com/invite/AbCdEf', undefined, 'discord:+AbCdEf', 'invite', null, 'https://discord.gg/AbCdEf'),
  ok('https://discordapp.com/invite/AbCdEf/', 'discord', 'discord:+AbCdEf', 'invite', null, 'https://discord.gg/AbCdEf'),

  // Facebook
  ok('https://www.facebook.com/ExamplePage', undefined, 'facebook:examplepage', 'account', 'examplepage', 'https://facebook.com/examplepage'),
  ok('https://m.facebook.com/examplepage/', undefined, 'facebook:examplepage', 'account', 'examplepage', 'https://facebook.com/examplepage'),
  ok('https://fb.com/examplepage', undefined, 'facebook:examplepage', 'account', 'examplepage', 'https://facebook.com/examplepage'),
  ok('https://www.facebook.com/examplepage/posts/pfbid02AbCdEfGhIjKlMn', undefined, 'facebook:examplepage', 'account', 'examplepage', 'https://facebook.com/examplepage', 'pfbid02AbCdEfGhIjKlMn'),
  ok('https://www.facebook.com/profile.php?id=100012345678', undefined, 'facebook:id100012345678', 'account', null, 'https://facebook.com/profile.php?id=100012345678'),
  ok('https://www.facebook.com/groups/ExampleGroup', undefined, 'facebook:groups/examplegroup', 'group', 'examplegroup', 'https://facebook.com/groups/examplegroup'),
  ok('https://www.facebook.com/groups/123456789/posts/987', undefined, 'facebook:id123456789', 'group', null, 'https://facebook.com/groups/123456789', '987'),

  // Instagram
  ok('https://www.instagram.com/example.user', undefined, 'instagram:example.user', 'account', 'example.user', 'https://instagram.com/example.user'),
  ok('https://instagram.com/Example.User/', undefined, 'instagram:example.user', 'account', 'example.user', 'https://instagram.com/example.user'),
  ok('https://www.instagram.com/example.user/p/CAbCdEfGhIj/', undefined, 'instagram:example.user', 'account', 'example.user', 'https://instagram.com/example.user', 'CAbCdEfGhIj'),
  ok('https://www.instagram.com/stories/example.user/3141592653/', undefined, 'instagram:example.user', 'account', 'example.user', 'https://instagram.com/example.user', '3141592653'),
  ok('@example.user', 'instagram', 'instagram:example.user', 'account', 'example.user', 'https://instagram.com/example.user'),
  ok('example.user', 'instagram', 'instagram:example.user', 'account', 'example.user', 'https://instagram.com/example.user'),

  // TikTok
  ok('https://www.tiktok.com/@Example.User', undefined, 'tiktok:example.user', 'account', 'example.user', 'https://tiktok.com/@example.user'),
  ok('https://www.tiktok.com/@example.user/video/7234567890123456789?lang=en', undefined, 'tiktok:example.user', 'account', 'example.user', 'https://tiktok.com/@example.user', '7234567890123456789'),
  ok('@example.user', 'tiktok', 'tiktok:example.user', 'account', 'example.user', 'https://tiktok.com/@example.user'),

  // Matrix
  ok('https://matrix.to/#/#Room:Example.org', undefined, 'matrix:#room:example.org', 'group', '#room:example.org', 'https://matrix.to/#/#room:example.org'),
  ok('https://matrix.to/#/%23room%3Aexample.org?via=example.org', undefined, 'matrix:#room:example.org', 'group', '#room:example.org', 'https://matrix.to/#/#room:example.org'),
  ok('#room:example.org', 'matrix', 'matrix:#room:example.org', 'group', '#room:example.org', 'https://matrix.to/#/#room:example.org'),
  ok('https://matrix.to/#/!AbCdEf:example.org', undefined, 'matrix:!AbCdEf:example.org', 'group', null, 'https://matrix.to/#/!AbCdEf:example.org'),
  ok('https://matrix.to/#/!AbCdEf:example.org/$Event123?via=example.org', undefined, 'matrix:!AbCdEf:example.org', 'group', null, 'https://matrix.to/#/!AbCdEf:example.org', '$Event123'),
  ok('https://matrix.to/#/@User:example.org', undefined, 'matrix:@user:example.org', 'account', '@user:example.org', 'https://matrix.to/#/@user:example.org'),
  ok('@user:example.org', 'matrix', 'matrix:@user:example.org', 'account', '@user:example.org', 'https://matrix.to/#/@user:example.org'),

  // other
  ok('https://forum.example.org/t/Some-Thread/', 'other', 'other:forum.example.org/t/Some-Thread', 'channel', null, 'https://forum.example.org/t/Some-Thread'),
  ok('http://WWW.Example.ORG/Channel?x=1#y', 'other', 'other:example.org/Channel', 'channel', null, 'https://example.org/Channel'),
  ok('example.org', 'other', 'other:example.org', 'channel', null, 'https://example.org'),
];

const invalid: InvalidCase[] = [
  // The input itself
  bad('', 'channel is empty'),
  bad(' \t\n ', 'channel is empty'),
  bad(`https://t.me/${'a'.repeat(MAX_CHANNEL_INPUT_LENGTH)}`, `longer than ${MAX_CHANNEL_INPUT_LENGTH} characters`),
  bad('https://t.me/example channel', 'whitespace or control characters'),
  bad('https://t.me/example\u200Bchannel', 'whitespace or control characters'),
  bad('https://t.me/example\u0000channel', 'whitespace or control characters'),
  bad('https://t.me/example%20channel', 'whitespace, control characters'),
  bad('https://t.me/%E0%A4%A', 'malformed percent-encoding'),
  bad('http://', 'is not a valid URL'),

  // Schemes, credentials, hosts
  bad('javascript:alert(1)', 'unsupported scheme "javascript:"'),
  bad('data:text/html,<b>hi</b>', 'unsupported scheme "data:"'),
  bad('file:///etc/passwd', 'unsupported scheme "file:"'),
  bad('ftp://t.me/example_channel', 'unsupported scheme "ftp:"'),
  bad('mailto:someone@example.org', 'unsupported scheme "mailto:"'),
  bad('https://user:pass@t.me/example_channel', 'credentials (user:pass@)'),
  bad('user:pass@t.me/example_channel', 'credentials (user:pass@)'),
  bad('https://127.0.0.1/example_channel', 'IP-address hosts'),
  bad('http://2130706433/example_channel', 'IP-address hosts'),
  bad('https://[::1]/example_channel', 'IP-address hosts'),
  bad('https://t.me:8443/example_channel', 'unexpected port 8443'),
  bad('https://example.org/channel', 'unknown platform for host "example.org"; pass platform'),
  bad('https://example.org/channel', 'is not a Telegram host', 'telegram'),
  bad('https://localhost/channel', 'not a public domain name', 'other'),

  // Platform given, link says another
  bad(TG, 'platform mismatch: "t.me" is a Telegram host but platform is "x"', 'x'),
  bad(TG, 'platform mismatch', 'other'),
  bad('tg://resolve?domain=example_channel', 'platform mismatch', 'vk'),

  // Bare handles
  bad('example_channel', 'a bare handle needs `platform`'),
  bad('@example_channel', 'a bare handle needs `platform`'),
  bad('#room:example.org', 'a bare handle needs `platform`'),
  bad('@someone', 'WhatsApp has no public usernames', 'whatsapp'),
  bad('@someone', 'Discord servers have no public names', 'discord'),
  bad('@someone', 'platform "other" needs a full http(s) link', 'other'),
  bad('@exa', 'not a valid Telegram username', 'telegram'),
  bad('@share', 'reserved Telegram path', 'telegram'),

  // Telegram
  bad('https://t.me/', 'the Telegram link has no channel name'),
  bad('https://t.me/s/', 'the Telegram link has no channel name'),
  bad('https://t.me/share/url?url=https://example.org', '"share" is a reserved Telegram path'),
  bad('https://t.me/addstickers/SomePack', '"addstickers" is a reserved Telegram path'),
  bad('https://t.me/iv?url=https://example.org', '"iv" is a reserved Telegram path'),
  bad('https://t.me/proxy?server=1.2.3.4', '"proxy" is a reserved Telegram path'),
  bad('https://t.me/login', '"login" is a reserved Telegram path'),
  bad('https://t.me/abcd', '"abcd" is not a valid Telegram username'),
  bad('https://t.me/1example', '"1example" is not a valid Telegram username'),
  bad(`https://t.me/${'a'.repeat(33)}`, 'is not a valid Telegram username'),
  bad('https://t.me/example-channel', '"example-channel" is not a valid Telegram username'),
  bad('https://t.me/example_channel/abc', 'unexpected path "/abc"'),
  bad('https://t.me/joinchat/', 'has no invite code'),
  bad('https://t.me/+491511234567', 'phone number'),
  bad('https://t.me/c/abc/1', 'not a valid Telegram channel id'),
  bad('tg://settings', 'tg://settings links do not name a channel'),
  bad('tg://resolve?phone=4915112345678', 'has no domain='),

  // Other platforms
  bad('https://vk.com/feed', '"feed" is a reserved VK path'),
  bad('https://chat.whatsapp.com/', 'has no invite code'),
  bad('https://wa.me/abc', 'not a valid WhatsApp phone number'),
  bad('https://x.com/home', '"home" is a reserved X path'),
  bad('https://x.com/i/web/status/123', '"i" is a reserved X path'),
  bad('https://x.com/search?q=example', '"search" is a reserved X path'),
  bad('https://twitter.com/intent/tweet?text=x', '"intent" is a reserved X path'),
  bad('https://x.com/this_name_is_too_long', 'not a valid X username'),
  bad('https://www.youtube.com/watch?v=dQw4w9WgXcQ', 'a YouTube video link does not name the channel'),
  bad('https://youtu.be/dQw4w9WgXcQ', 'a YouTube video link does not name the channel'),
  bad('https://www.youtube.com/shorts/dQw4w9WgXcQ', 'a YouTube video link does not name the channel'),
  bad('https://www.youtube.com/results?search_query=x', 'not a YouTube channel path'),
  bad('https://www.youtube.com/channel/notachannelid', 'not a valid YouTube channel id'),
  bad('https://youtube.com/@ab', 'not a valid YouTube handle'),
  bad('https://discord.com/channels/123/456', 'only Discord invite links name a server'),
  bad('https://www.facebook.com/sharer/sharer.php?u=x', '"sharer" is a reserved Facebook path'),
  bad('https://www.facebook.com/profile.php', 'has no numeric id='),
  bad('https://www.instagram.com/p/CAbCdEfGhIj/', 'an Instagram post link (/p/, /reel/, /tv/) does not name the account'),
  bad('https://www.instagram.com/reel/CAbCdEfGhIj/', 'does not name the account'),
  bad('https://vm.tiktok.com/ZMabc123/', 'a TikTok short link does not name the account'),
  bad('https://www.tiktok.com/video/123', 'not a TikTok profile path'),
  bad('https://matrix.to/', 'the Matrix link has no channel name'),
  bad('https://matrix.to/#/room:example.org', 'not a valid Matrix identifier'),
  bad('@user', 'not a valid Matrix identifier', 'matrix'),

  // Junk
  bad('???', 'a bare handle needs `platform`'),
  bad('<script>', 'not a valid Telegram username', 'telegram'),
  bad('not a link at all', 'whitespace or control characters'),
];

describe('canonicaliseChannel', () => {
  describe('recognises a link form and gives its canonical channel', () => {
    it.each(valid)('$input (platform $platform) → $key', ({ input, platform, key, kind, handle, url, postId }) => {
      const expected: CanonicalChannel = {
        platform: key.slice(0, key.indexOf(':')) as Platform,
        kind,
        key,
        handle,
        url,
        postId,
      };
      expect(canonicaliseChannel(input, platform)).toEqual(expected);
    });
  });

  describe('the canonical url of a channel canonicalises to the same key', () => {
    it.each(valid)('$url → $key', ({ input, platform, key }) => {
      const { url } = canonicaliseChannel(input, platform);
      expect(canonicaliseChannel(url, platform).key).toBe(key);
    });
  });

  describe('rejects what it cannot recognise with CHANNEL_UNRECOGNISED and a message naming the problem', () => {
    it.each(invalid)('rejects $input (platform $platform): "$message"', ({ input, platform, message }) => {
      const error = rejectionOf(input, platform);
      expect(error.code).toBe('CHANNEL_UNRECOGNISED');
      expect(error.status).toBe(400);
      expect(error.message).toContain(message);
    });
  });

  describe('every link form of one Telegram channel gives one key', () => {
    const forms: Array<[string, Platform | undefined]> = [
      ['https://t.me/example_channel', undefined],
      ['t.me/example_channel', undefined],
      ['https://t.me/s/example_channel', undefined],
      ['https://t.me/example_channel/42', undefined],
      ['https://t.me/s/example_channel/42?before=50', undefined],
      ['https://telegram.me/example_channel', undefined],
      ['https://telegram.dog/example_channel', undefined],
      ['https://www.t.me/example_channel', undefined],
      ['tg://resolve?domain=example_channel', undefined],
      ['tg://resolve?domain=Example_Channel&post=42', undefined],
      ['tg:resolve?domain=example_channel', undefined],
      ['@example_channel', 'telegram'],
      ['example_channel', 'telegram'],
      ['HTTPS://T.ME/EXAMPLE_CHANNEL', undefined],
      ['https://t.me/example_channel/', undefined],
      ['https://t.me/example_channel?utm_source=x#comments', undefined],
    ];

    it.each(forms)('%s (platform %s) is telegram:example_channel at https://t.me/example_channel', (input, platform) => {
      const result = canonicaliseChannel(input, platform);
      expect(result.key).toBe('telegram:example_channel');
      expect(result.url).toBe('https://t.me/example_channel');
      expect(result.handle).toBe('example_channel');
    });

    it('keeps the post id of a post link and not of a channel link', () => {
      expect(canonicaliseChannel('https://t.me/example_channel/42').postId).toBe('42');
      expect(canonicaliseChannel('tg://resolve?domain=example_channel&post=42').postId).toBe('42');
      expect(canonicaliseChannel('https://t.me/s/example_channel').postId).toBeNull();
    });
  });

  it('keeps the case of invite codes, so two invites differing only in case stay two channels', () => {
    const lower = canonicaliseChannel('https://t.me/+abcdef123').key;
    const upper = canonicaliseChannel('https://t.me/+ABCDEF123').key;
    expect(lower).toBe('telegram:+abcdef123');
    expect(upper).toBe('telegram:+ABCDEF123');
  });

  it('accepts input of exactly MAX_CHANNEL_INPUT_LENGTH characters from an unknown site under platform other', () => {
    const prefix = 'https://example.org/';
    const input = prefix + 'a'.repeat(MAX_CHANNEL_INPUT_LENGTH - prefix.length);
    expect(input).toHaveLength(MAX_CHANNEL_INPUT_LENGTH);
    expect(canonicaliseChannel(input, 'other').key).toBe(`other:example.org/${'a'.repeat(input.length - prefix.length)}`);
  });

  it('rejects a value that is not a string, or a platform outside the taxonomy', () => {
    expect(rejectionOf(undefined as unknown as string).message).toContain('channel must be a string');
    expect(rejectionOf(TG, 'myspace' as Platform).message).toContain('unknown platform "myspace"');
  });

  it('has at least 60 valid and 40 invalid table cases', () => {
    expect(valid.length).toBeGreaterThanOrEqual(60);
    expect(invalid.length).toBeGreaterThanOrEqual(40);
  });
});
