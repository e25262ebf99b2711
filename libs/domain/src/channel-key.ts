// Canonical channel identity (DESIGN.md §5, API.md "Channel keys"). Every link form of one channel (web link, preview,
// post link, deep link, alternate domain, @handle with a platform) gives one key, so duplicate reports fold into one
// case. Anything not recognised is refused with a message naming the problem: a guessed channel would merge reports
// about different channels, which is worse than a 400. Nothing here fetches a URL; it only reads the text.
//
// Keys are `<platform>:<id>`:
// - a public username, lower-cased: `telegram:example_channel`, `x:example`;
// - an invite, `+` and its code with case kept (codes are case-sensitive): `telegram:+AbCdEf123`, `discord:+AbC`;
// - a numeric id, `id<digits>`: `vk:id123456`, `telegram:id1234567890` (t.me/c/ links), `whatsapp:id4915112345678`.
// Per-platform choices that the API does not spell out:
// - VK communities: `vk.com/club123`, `vk.com/public123`, `vk.com/event123` and wall posts `vk.com/wall-123_45` are one
//   community (VK numbers them in one sequence), keyed `vk:club123`. VK never gives these forms out as short names, so
//   they cannot collide with `vk:<name>`; a person's `vk.com/id123` (and `wall123_45`) is `vk:id123`.
// - WhatsApp channels: `whatsapp.com/channel/<ID>` is `whatsapp:<ID>` with the ID's case kept (it is an opaque,
//   case-sensitive id). WhatsApp has no usernames, so nothing else uses a bare id: invites are `whatsapp:+CODE` and
//   wa.me phone links `whatsapp:id<digits>`.
// - YouTube: a handle `youtube.com/@Name` is `youtube:name` (lower-cased, no `@`); a channel id
//   `youtube.com/channel/UC…` is `youtube:channel/UC…` (case kept); legacy `youtube.com/c/Name` and
//   `youtube.com/user/Name` are `youtube:c/name` and `youtube:user/name`. These are separate namespaces on YouTube, and
//   a `/` cannot occur in a handle, so the prefixes keep them apart. We cannot tell offline that a handle and a channel
//   id are one channel.
// - Facebook: numeric ids (profile.php?id=, groups/<digits>, pages/<slug>/<digits>, a bare number) are
//   `facebook:id<digits>` (Facebook ids are unique across people, pages and groups); a named group is
//   `facebook:groups/<name>`, since group names are not the page/profile namespace.
// - Matrix: the identifier with its sigil: a room alias `matrix:#room:server.org` and a user `matrix:@user:server.org`
//   lower-cased; a room id `matrix:!Opaque:server.org` with case kept (room ids are case-sensitive).
// - `other`: `other:<host><path>`, host lower-cased without `www.`, path as given, no query, fragment or trailing `/`.
// `kind` says only what the link form shows: invites are 'invite'; people-and-pages platforms (X, Facebook, Instagram,
// TikTok, phone numbers, Matrix users) 'account'; Telegram names ending in `bot` 'bot'; communities and rooms 'group';
// the rest 'channel'.
import { DomainError } from './errors';
import { type ChannelKind, type Platform, PLATFORMS, isOneOf } from './taxonomy';

export interface CanonicalChannel {
  platform: Platform;
  kind: ChannelKind;
  /** `<platform>:<id>`, see the top of this file. */
  key: string;
  /** The public username, lower-cased; null for invites and numeric or opaque ids. */
  handle: string | null;
  /** One canonical https URL for the channel (never the post link it may have been given). */
  url: string;
  /** When the input was a post/status/video link, the post id; else null. */
  postId: string | null;
}

export const MAX_CHANNEL_INPUT_LENGTH = 2048;

/** Throws DomainError('CHANNEL_UNRECOGNISED', <message saying what is wrong>) for anything it cannot recognise. */
export function canonicaliseChannel(input: string, platform?: Platform): CanonicalChannel {
  if (typeof input !== 'string') throw unrecognised('channel must be a string');
  if (platform !== undefined && !isOneOf(PLATFORMS, platform)) {
    throw unrecognised(`unknown platform ${quote(String(platform))}; expected one of ${PLATFORMS.join(', ')}`);
  }
  if (input.length > MAX_CHANNEL_INPUT_LENGTH) {
    throw unrecognised(`channel is longer than ${MAX_CHANNEL_INPUT_LENGTH} characters`);
  }
  const text = input.trim();
  if (text === '') throw unrecognised('channel is empty');
  if (UNSAFE_CHARACTERS.test(text)) throw unrecognised('channel contains whitespace or control characters');

  if (/^[@#!]/.test(text)) return fromHandle(text, platform);

  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1].toLowerCase();
  // A "scheme" with a dot is a host with a port (`t.me:443/name`), not a scheme.
  if (scheme !== undefined && !scheme.includes('.')) {
    if (scheme === 'http' || scheme === 'https') return fromWebLink(text, platform);
    if (scheme === 'tg') return fromTelegramDeepLink(text, platform);
    const afterAt = /^[^/?#]*@([^/?#:]+)/.exec(text.slice(scheme.length + 1))?.[1];
    if (afterAt !== undefined && platformOfHost(normaliseHost(afterAt)) !== undefined) throw credentialsRefused();
    throw unrecognised(
      `unsupported scheme ${quote(`${scheme}:`)}: only http(s) links, tg:// links and @handles are accepted`,
    );
  }
  if (text.startsWith('//')) return fromWebLink(`https:${text}`, platform);
  // With a platform, a word that is not a known host is a handle, even with dots in it (instagram `john.doe`).
  if (platform !== undefined && platform !== 'other' && !text.includes('/') && !isKnownHost(text)) {
    return fromHandle(text, platform);
  }
  if (text.includes('/') || text.includes('.')) return fromWebLink(`https://${text}`, platform);
  return fromHandle(text, platform);
}

// Whitespace, C0/C1 controls, and invisible format characters (zero-width, bidi overrides) that can make two
// different strings look like one name.
const UNSAFE_CHARACTERS = /[\s\p{Cc}\p{Cf}]/u;

const LABEL: Readonly<Record<Platform, string>> = {
  telegram: 'Telegram',
  tamtam: 'TamTam',
  vk: 'VK',
  whatsapp: 'WhatsApp',
  x: 'X',
  facebook: 'Facebook',
  instagram: 'Instagram',
  youtube: 'YouTube',
  tiktok: 'TikTok',
  discord: 'Discord',
  matrix: 'Matrix',
  other: 'other',
};

/** Hosts after lower-casing and dropping one leading `www.`. */
const HOSTS: ReadonlyMap<string, Exclude<Platform, 'other'>> = new Map<string, Exclude<Platform, 'other'>>([
  ['t.me', 'telegram'],
  ['telegram.me', 'telegram'],
  ['telegram.dog', 'telegram'],
  ['tamtam.chat', 'tamtam'],
  ['tt.me', 'tamtam'],
  ['vk.com', 'vk'],
  ['m.vk.com', 'vk'],
  ['vk.ru', 'vk'],
  ['m.vk.ru', 'vk'],
  ['vkontakte.ru', 'vk'],
  ['chat.whatsapp.com', 'whatsapp'],
  ['whatsapp.com', 'whatsapp'],
  ['api.whatsapp.com', 'whatsapp'],
  ['wa.me', 'whatsapp'],
  ['x.com', 'x'],
  ['mobile.x.com', 'x'],
  ['twitter.com', 'x'],
  ['mobile.twitter.com', 'x'],
  ['facebook.com', 'facebook'],
  ['m.facebook.com', 'facebook'],
  ['web.facebook.com', 'facebook'],
  ['mbasic.facebook.com', 'facebook'],
  ['fb.com', 'facebook'],
  ['instagram.com', 'instagram'],
  ['m.instagram.com', 'instagram'],
  ['instagr.am', 'instagram'],
  ['youtube.com', 'youtube'],
  ['m.youtube.com', 'youtube'],
  ['youtu.be', 'youtube'],
  ['tiktok.com', 'tiktok'],
  ['m.tiktok.com', 'tiktok'],
  ['vm.tiktok.com', 'tiktok'],
  ['vt.tiktok.com', 'tiktok'],
  ['discord.gg', 'discord'],
  ['discord.com', 'discord'],
  ['discordapp.com', 'discord'],
  ['matrix.to', 'matrix'],
]);

/** Telegram also serves a public username as a subdomain: `name.t.me`. */
const TELEGRAM_SUBDOMAIN = /^([^.]+)\.t\.me$/;

function normaliseHost(host: string): string {
  const lower = host.toLowerCase().replace(/\.$/, '');
  return lower.startsWith('www.') ? lower.slice(4) : lower;
}

function platformOfHost(host: string): Exclude<Platform, 'other'> | undefined {
  return HOSTS.get(host) ?? (TELEGRAM_SUBDOMAIN.test(host) ? 'telegram' : undefined);
}

function isKnownHost(text: string): boolean {
  return platformOfHost(normaliseHost(text.replace(/:\d*$/, ''))) !== undefined;
}

// ---------------------------------------------------------------------------------------------------------------------
// Entry forms: web links, tg:// deep links, handles.

interface WebLink {
  host: string;
  /** Path segments, percent-decoded; empty segments (double or trailing slashes) dropped. */
  segments: string[];
  query: URLSearchParams;
  url: URL;
}

function fromWebLink(text: string, platform: Platform | undefined): CanonicalChannel {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw unrecognised(`${quote(text)} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw unrecognised(`unsupported scheme ${quote(url.protocol)}: only http(s) links are accepted`);
  }
  if (url.username !== '' || url.password !== '') throw credentialsRefused();
  const host = normaliseHost(url.hostname);
  if (host === '') throw unrecognised(`${quote(text)} has no host`);
  if (host.startsWith('[') || /^\d+(\.\d+){3}$/.test(host)) {
    throw unrecognised(`IP-address hosts are not accepted (${quote(host)}); use the platform's domain name`);
  }

  const known = platformOfHost(host);
  if (known === undefined) {
    if (platform === 'other') return otherChannel(host, url);
    if (platform !== undefined) {
      throw unrecognised(`host ${quote(host)} is not a ${LABEL[platform]} host; pass platform "other" for other sites`);
    }
    throw unrecognised(`unknown platform for host ${quote(host)}; pass platform`);
  }
  if (platform !== undefined && platform !== known) {
    throw unrecognised(
      `platform mismatch: ${quote(host)} is a ${LABEL[known]} host but platform is ${quote(platform)}`,
    );
  }
  if (url.port !== '') throw unrecognised(`unexpected port ${url.port} on ${quote(host)}`);

  const link: WebLink = { host, segments: pathSegments(url.pathname), query: url.searchParams, url };
  const subdomain = TELEGRAM_SUBDOMAIN.exec(host);
  if (subdomain) return telegramPublic(subdomain[1], link.segments);
  return WEB_LINK_PARSERS[known](link);
}

function pathSegments(pathname: string): string[] {
  return pathname
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      let decoded: string;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        throw unrecognised(`malformed percent-encoding in ${quote(segment)}`);
      }
      if (UNSAFE_CHARACTERS.test(decoded) || decoded.includes('/')) {
        throw unrecognised(`the link's path contains whitespace, control characters or an encoded "/"`);
      }
      return decoded;
    });
}

function fromHandle(text: string, platform: Platform | undefined): CanonicalChannel {
  if (platform === undefined) {
    throw unrecognised(`${quote(text)} is a bare handle; a bare handle needs \`platform\` (or paste the full link)`);
  }
  if (platform === 'matrix') return matrixIdentifier(text);
  if (!text.startsWith('@') && /^[#!]/.test(text)) {
    throw unrecognised(`${quote(text)} is not a valid ${LABEL[platform]} handle`);
  }
  return HANDLE_PARSERS[platform](text.startsWith('@') ? text.slice(1) : text);
}

const WEB_LINK_PARSERS: Readonly<Record<Exclude<Platform, 'other'>, (link: WebLink) => CanonicalChannel>> = {
  telegram: telegramLink,
  tamtam: tamtamLink,
  vk: vkLink,
  whatsapp: whatsappLink,
  x: xLink,
  facebook: facebookLink,
  instagram: instagramLink,
  youtube: youtubeLink,
  tiktok: tiktokLink,
  discord: discordLink,
  matrix: matrixLink,
};

const HANDLE_PARSERS: Readonly<Record<Exclude<Platform, 'matrix'>, (name: string) => CanonicalChannel>> = {
  telegram: (name) => telegramPublic(name, []),
  tamtam: (name) => tamtamPublic(name, []),
  vk: (name) => vkName(name, []),
  whatsapp: () => {
    throw unrecognised(
      'WhatsApp has no public usernames; paste a chat.whatsapp.com invite, a whatsapp.com/channel link or a wa.me link',
    );
  },
  x: (name) => xAccount(name, []),
  facebook: (name) => facebookName(name, []),
  instagram: (name) => instagramAccount(name, []),
  youtube: (name) => youtubeHandle(name, []),
  tiktok: (name) => tiktokAccount(name, []),
  discord: () => {
    throw unrecognised('Discord servers have no public names; paste an invite link (discord.gg/CODE)');
  },
  other: () => {
    throw unrecognised('platform "other" needs a full http(s) link, not a handle');
  },
};

// ---------------------------------------------------------------------------------------------------------------------
// Telegram

const TELEGRAM_USERNAME = /^[a-z][a-z0-9_]{4,31}$/;
const TELEGRAM_INVITE_CODE = /^[A-Za-z0-9_-]{5,64}$/;
const TELEGRAM_NUMERIC_ID = /^\d{1,20}$/;
/** t.me paths that are Telegram features, not channels (the first four are link forms handled before this check). */
const TELEGRAM_RESERVED = new Set([
  'joinchat', 's', 'boost', 'c', 'share', 'addstickers', 'addemoji', 'addtheme', 'addlist', 'iv', 'proxy', 'socks',
  'login', 'setlanguage', 'confirmphone', 'bg', 'invoice', 'contact', 'giftcode', 'm', 'dl', 'k', 'a', 'z',
]);

function telegramLink({ segments }: WebLink): CanonicalChannel {
  const [first, ...rest] = segments;
  if (first === undefined) throw noName('Telegram');
  if (first.startsWith('+')) return telegramInvite(first.slice(1), rest);
  const lower = first.toLowerCase();
  switch (lower) {
    case 'joinchat':
      return telegramInvite(rest[0], rest.slice(1));
    case 's': // the web preview, t.me/s/name[/post]
    case 'boost': // the boost page of a channel, t.me/boost/name
      if (rest[0] === undefined) throw noName('Telegram');
      return telegramPublic(rest[0], rest.slice(1));
    case 'c':
      return telegramPrivatePost(rest[0], rest.slice(1));
  }
  return telegramPublic(first, rest);
}

function telegramPublic(name: string, rest: string[]): CanonicalChannel {
  const handle = name.toLowerCase();
  if (TELEGRAM_RESERVED.has(handle)) throw reservedPath('Telegram', name);
  if (!TELEGRAM_USERNAME.test(handle)) {
    throw invalidName('Telegram username', name, '5-32 letters, digits or underscores, starting with a letter');
  }
  // Channels and groups look the same in a link; bots are the one kind Telegram marks in the name.
  const kind: ChannelKind = handle.endsWith('bot') ? 'bot' : 'channel';
  return channel('telegram', kind, handle, handle, `https://t.me/${handle}`, postIdFrom(rest, 'Telegram', 2));
}

function telegramInvite(code: string | undefined, rest: string[]): CanonicalChannel {
  if (code === undefined || code === '') throw unrecognised('the Telegram invite link has no invite code');
  if (/^\d+$/.test(code)) {
    throw unrecognised('t.me/+<digits> links a phone number, not a channel; paste the channel or invite link');
  }
  if (!TELEGRAM_INVITE_CODE.test(code)) throw invalidName('Telegram invite code', code, '5-64 letters, digits, _ or -');
  if (rest.length > 0) throw unexpectedPath('Telegram', rest);
  return channel('telegram', 'invite', `+${code}`, null, `https://t.me/+${code}`, null);
}

/** t.me/c/<id>/<post> (or /<topic>/<post>): a post in a private channel, named only by its numeric id. */
function telegramPrivatePost(id: string | undefined, rest: string[]): CanonicalChannel {
  if (id === undefined) throw noName('Telegram');
  if (!TELEGRAM_NUMERIC_ID.test(id)) throw invalidName('Telegram channel id', id, 'digits');
  return channel('telegram', 'channel', `id${id}`, null, `https://t.me/c/${id}`, postIdFrom(rest, 'Telegram', 2));
}

function fromTelegramDeepLink(text: string, platform: Platform | undefined): CanonicalChannel {
  if (platform !== undefined && platform !== 'telegram') {
    throw unrecognised(`platform mismatch: a tg:// link is a Telegram link but platform is ${quote(platform)}`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw unrecognised(`${quote(text)} is not a valid tg:// link`);
  }
  if (url.username !== '' || url.password !== '') throw credentialsRefused();
  // `tg://resolve?…` puts the action in the host, `tg:resolve?…` in the path.
  const action = (url.hostname || url.pathname).replace(/^\/+|\/+$/g, '').toLowerCase();
  const query = url.searchParams;
  const post = query.get('post');
  const postSegments = post === null ? [] : [post];
  switch (action) {
    case 'resolve': {
      const domain = query.get('domain');
      if (domain === null || domain === '') {
        throw unrecognised('the tg://resolve link has no domain= (only username links name a channel)');
      }
      return telegramPublic(domain, postSegments);
    }
    case 'join':
      return telegramInvite(query.get('invite') ?? undefined, []);
    case 'privatepost':
      return telegramPrivatePost(query.get('channel') ?? undefined, postSegments);
    default:
      throw unrecognised(`tg://${action} links do not name a channel; use tg://resolve, tg://join or a t.me link`);
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// TamTam. Its naming rules are not published; we accept what its links show: Latin letters, digits and underscores,
// starting with a letter, 3-50 characters.

const TAMTAM_NAME = /^[a-z][a-z0-9_]{2,49}$/;
const TAMTAM_POST_ID = /^[A-Za-z0-9_-]{1,64}$/;

function tamtamLink({ segments }: WebLink): CanonicalChannel {
  const [first, ...rest] = segments;
  if (first === undefined) throw noName('TamTam');
  if (first.toLowerCase() === 'join') {
    const code = rest[0];
    if (code === undefined) throw unrecognised('the TamTam invite link has no invite code');
    if (!TELEGRAM_INVITE_CODE.test(code)) throw invalidName('TamTam invite code', code, '5-64 letters, digits, _ or -');
    if (rest.length > 1) throw unexpectedPath('TamTam', rest.slice(1));
    return channel('tamtam', 'invite', `+${code}`, null, `https://tt.me/join/${code}`, null);
  }
  return tamtamPublic(first, rest);
}

function tamtamPublic(name: string, rest: string[]): CanonicalChannel {
  const handle = name.toLowerCase();
  if (!TAMTAM_NAME.test(handle)) {
    throw invalidName('TamTam name', name, '3-50 letters, digits or underscores, starting with a letter');
  }
  const postId = postIdFrom(rest, 'TamTam', 1, TAMTAM_POST_ID);
  return channel('tamtam', 'channel', handle, handle, `https://tamtam.chat/${handle}`, postId);
}

// ---------------------------------------------------------------------------------------------------------------------
// VK

const VK_NUMERIC = /^(id|club|public|event)(\d{1,15})$/;
const VK_WALL_POST = /^wall(-?)(\d{1,15})_(\d{1,15})$/;
const VK_NAME = /^[a-z][a-z0-9_.]{1,31}$/;
const VK_RESERVED = new Set([
  'feed', 'im', 'search', 'friends', 'groups', 'settings', 'login', 'join', 'apps', 'audio', 'audios', 'video',
  'videos', 'music', 'photos', 'albums', 'docs', 'market', 'clips', 'wall', 'support', 'dev', 'restore',
]);

function vkLink({ segments }: WebLink): CanonicalChannel {
  const [first, ...rest] = segments;
  if (first === undefined) throw noName('VK');
  return vkName(first, rest);
}

function vkName(name: string, rest: string[]): CanonicalChannel {
  const lower = name.toLowerCase();
  if (rest.length > 0) throw unexpectedPath('VK', rest);
  const wall = VK_WALL_POST.exec(lower);
  if (wall) return vkNumeric(wall[1] === '-' ? 'club' : 'id', wall[2], wall[3]);
  const numeric = VK_NUMERIC.exec(lower);
  if (numeric) return vkNumeric(numeric[1] === 'id' ? 'id' : 'club', numeric[2], null);
  if (VK_RESERVED.has(lower) || lower.endsWith('.php')) throw reservedPath('VK', name);
  if (!VK_NAME.test(lower) || lower.endsWith('.') || lower.includes('..')) {
    throw invalidName('VK short name', name, '2-32 letters, digits, _ or ., starting with a letter');
  }
  // A short name may be a person or a community; the link does not say which.
  return channel('vk', 'channel', lower, lower, `https://vk.com/${lower}`, null);
}

function vkNumeric(prefix: 'id' | 'club', digits: string, postId: string | null): CanonicalChannel {
  const id = `${prefix}${digits}`;
  return channel('vk', prefix === 'id' ? 'account' : 'group', id, null, `https://vk.com/${id}`, postId);
}

// ---------------------------------------------------------------------------------------------------------------------
// WhatsApp

const WHATSAPP_CODE = /^[A-Za-z0-9]{10,40}$/;
const PHONE = /^\+?(\d{6,15})$/;

function whatsappLink({ host, segments, query }: WebLink): CanonicalChannel {
  const [first, ...rest] = segments;
  switch (host) {
    case 'chat.whatsapp.com': {
      const [code, ...after] = first?.toLowerCase() === 'invite' ? rest : segments;
      if (code === undefined) throw unrecognised('the WhatsApp invite link has no invite code');
      if (!WHATSAPP_CODE.test(code)) throw invalidName('WhatsApp invite code', code, '10-40 letters or digits');
      if (after.length > 0) throw unexpectedPath('WhatsApp', after);
      return channel('whatsapp', 'invite', `+${code}`, null, `https://chat.whatsapp.com/${code}`, null);
    }
    case 'wa.me':
      if (first === undefined) throw noName('WhatsApp');
      if (first.toLowerCase() === 'message') {
        throw unrecognised('wa.me/message links are opaque business links; paste the wa.me/<number> link');
      }
      if (rest.length > 0) throw unexpectedPath('WhatsApp', rest);
      return whatsappPhone(first);
    case 'api.whatsapp.com':
      if (first?.toLowerCase() !== 'send' || rest.length > 0) throw unexpectedPath('WhatsApp', segments);
      return whatsappPhone(query.get('phone')?.trim() ?? '');
    default: {
      if (first === undefined) throw noName('WhatsApp');
      if (first.toLowerCase() !== 'channel') {
        throw unrecognised(`${quote(first)} is not a WhatsApp channel path; expected whatsapp.com/channel/<id>`);
      }
      const [id, ...after] = rest;
      if (id === undefined) throw noName('WhatsApp');
      if (!WHATSAPP_CODE.test(id)) throw invalidName('WhatsApp channel id', id, '10-40 letters or digits');
      const postId = postIdFrom(after, 'WhatsApp', 1);
      return channel('whatsapp', 'channel', id, null, `https://whatsapp.com/channel/${id}`, postId);
    }
  }
}

function whatsappPhone(value: string): CanonicalChannel {
  const digits = PHONE.exec(value)?.[1];
  if (digits === undefined) throw invalidName('WhatsApp phone number', value, '6-15 digits');
  return channel('whatsapp', 'account', `id${digits}`, null, `https://wa.me/${digits}`, null);
}

// ---------------------------------------------------------------------------------------------------------------------
// X (Twitter)

const X_USERNAME = /^[a-z0-9_]{1,15}$/;
const X_RESERVED = new Set([
  'home', 'i', 'search', 'intent', 'share', 'settings', 'explore', 'hashtag', 'notifications', 'messages', 'login',
  'logout', 'signup', 'compose', 'tos', 'privacy',
]);
const X_PROFILE_TABS = new Set(['with_replies', 'media', 'likes', 'highlights', 'followers', 'following', 'lists']);

function xLink({ segments }: WebLink): CanonicalChannel {
  const [first, ...rest] = segments;
  if (first === undefined) throw noName('X');
  if (X_RESERVED.has(first.toLowerCase())) throw reservedPath('X', first);
  return xAccount(first, rest);
}

function xAccount(name: string, rest: string[]): CanonicalChannel {
  const handle = name.toLowerCase();
  if (!X_USERNAME.test(handle)) throw invalidName('X username', name, '1-15 letters, digits or underscores');
  if (X_RESERVED.has(handle)) throw reservedPath('X', name);
  let postId: string | null = null;
  const [section, id] = rest;
  if (section !== undefined) {
    const lower = section.toLowerCase();
    if ((lower === 'status' || lower === 'statuses') && id !== undefined && /^\d{1,25}$/.test(id)) {
      postId = id; // anything after the status id (photo/1, analytics) is a view of the same post
    } else if (!(X_PROFILE_TABS.has(lower) && rest.length === 1)) {
      throw unexpectedPath('X', rest);
    }
  }
  return channel('x', 'account', handle, handle, `https://x.com/${handle}`, postId);
}

// ---------------------------------------------------------------------------------------------------------------------
// Facebook

const FACEBOOK_NAME = /^[a-z0-9][a-z0-9.-]{1,49}$/;
const FACEBOOK_POST_ID = /^(\d{1,25}|pfbid[A-Za-z0-9]{10,80})$/;
const FACEBOOK_RESERVED = new Set([
  'watch', 'events', 'marketplace', 'gaming', 'login', 'sharer', 'share', 'hashtag', 'help', 'settings', 'search',
  'messages', 'notifications', 'friends', 'reel', 'reels', 'stories', 'story', 'dialog', 'plugins', 'photo', 'video',
  'home', 'policies', 'privacy', 'legal',
]);
const FACEBOOK_TABS = new Set(['about', 'photos', 'videos', 'reels', 'events', 'community', 'mentions', 'followers']);

function facebookLink({ segments, query }: WebLink): CanonicalChannel {
  const [first, ...rest] = segments;
  if (first === undefined) throw noName('Facebook');
  switch (first.toLowerCase()) {
    case 'profile.php': {
      const id = query.get('id') ?? '';
      if (!/^\d{1,25}$/.test(id)) throw unrecognised('the Facebook profile.php link has no numeric id=');
      if (rest.length > 0) throw unexpectedPath('Facebook', rest);
      return facebookNumeric('account', id, null);
    }
    case 'groups':
      return facebookGroup(rest);
    case 'pages':
    case 'people': {
      // Legacy facebook.com/pages/<Display-Name>/<id>: the slug is decoration, the id names the page.
      const [, id, ...after] = rest;
      if (id === undefined || !/^\d{1,25}$/.test(id)) {
        throw unrecognised(`the Facebook ${first} link has no numeric id`);
      }
      if (after.length > 0) throw unexpectedPath('Facebook', after);
      return facebookNumeric('account', id, null);
    }
  }
  return facebookName(first, rest);
}

function facebookName(name: string, rest: string[]): CanonicalChannel {
  const lower = name.toLowerCase();
  if (FACEBOOK_RESERVED.has(lower) || lower.endsWith('.php')) throw reservedPath('Facebook', name);
  const postId = facebookPostId(rest, ['posts', 'videos'], FACEBOOK_TABS);
  if (/^\d{1,25}$/.test(lower)) return facebookNumeric('account', lower, postId);
  if (!FACEBOOK_NAME.test(lower) || !/[a-z]/.test(lower)) {
    throw invalidName('Facebook username', name, '2-50 letters, digits, . or -');
  }
  return channel('facebook', 'account', lower, lower, `https://facebook.com/${lower}`, postId);
}

function facebookGroup([name, ...rest]: string[]): CanonicalChannel {
  if (name === undefined) throw noName('Facebook');
  const postId = facebookPostId(rest, ['posts', 'permalink'], new Set(['about', 'members', 'media']));
  if (/^\d{1,25}$/.test(name)) return facebookNumeric('group', name, postId);
  const lower = name.toLowerCase();
  if (!FACEBOOK_NAME.test(lower)) throw invalidName('Facebook group name', name, '2-50 letters, digits, . or -');
  return channel('facebook', 'group', `groups/${lower}`, lower, `https://facebook.com/groups/${lower}`, postId);
}

function facebookNumeric(kind: ChannelKind, id: string, postId: string | null): CanonicalChannel {
  const url = kind === 'group' ? `https://facebook.com/groups/${id}` : `https://facebook.com/profile.php?id=${id}`;
  return channel('facebook', kind, `id${id}`, null, url, postId);
}

function facebookPostId(rest: string[], postSections: string[], tabs: ReadonlySet<string>): string | null {
  if (rest.length === 0) return null;
  const section = rest[0].toLowerCase();
  if (rest.length === 1 && tabs.has(section)) return null;
  if (rest.length === 2 && postSections.includes(section) && FACEBOOK_POST_ID.test(rest[1])) return rest[1];
  throw unexpectedPath('Facebook', rest);
}

// ---------------------------------------------------------------------------------------------------------------------
// Instagram

const INSTAGRAM_USERNAME = /^(?!\.)(?!.*\.\.)(?!.*\.$)[a-z0-9._]{1,30}$/;
const INSTAGRAM_POST_CODE = /^[A-Za-z0-9_-]{5,64}$/;
const INSTAGRAM_POST_SECTIONS = new Set(['p', 'reel', 'reels', 'tv']);
const INSTAGRAM_RESERVED = new Set([
  'explore', 'accounts', 'direct', 'about', 'legal', 'developer', 'web', 'challenge', 'emails', 'session', 'privacy',
  'terms', 'oauth', 'api',
]);
const INSTAGRAM_TABS = new Set(['tagged', 'reels', 'channel', 'guides', 'followers', 'following']);

function instagramLink({ segments }: WebLink): CanonicalChannel {
  const [first, ...rest] = segments;
  if (first === undefined) throw noName('Instagram');
  const lower = first.toLowerCase();
  if (INSTAGRAM_POST_SECTIONS.has(lower)) {
    throw unrecognised('an Instagram post link (/p/, /reel/, /tv/) does not name the account; paste the profile link');
  }
  if (lower === 'stories') {
    // instagram.com/stories/<name>/<story id>
    const [name, ...after] = rest;
    if (name === undefined || name.toLowerCase() === 'highlights') throw noName('Instagram');
    if (after.length > 1 || (after.length === 1 && !/^\d{1,25}$/.test(after[0]))) {
      throw unexpectedPath('Instagram', after);
    }
    return instagramResult(name, after[0] ?? null);
  }
  return instagramAccount(first, rest);
}

function instagramAccount(name: string, rest: string[]): CanonicalChannel {
  if (rest.length === 0) return instagramResult(name, null);
  const section = rest[0].toLowerCase();
  if (rest.length === 1 && INSTAGRAM_TABS.has(section)) return instagramResult(name, null);
  // Shared post links sometimes carry the account: instagram.com/<name>/p/<code>.
  if (rest.length === 2 && INSTAGRAM_POST_SECTIONS.has(section) && INSTAGRAM_POST_CODE.test(rest[1])) {
    return instagramResult(name, rest[1]);
  }
  throw unexpectedPath('Instagram', rest);
}

function instagramResult(name: string, postId: string | null): CanonicalChannel {
  const handle = name.toLowerCase();
  if (INSTAGRAM_RESERVED.has(handle)) throw reservedPath('Instagram', name);
  if (!INSTAGRAM_USERNAME.test(handle)) {
    throw invalidName('Instagram username', name, '1-30 letters, digits, _ or ., not starting or ending with .');
  }
  return channel('instagram', 'account', handle, handle, `https://instagram.com/${handle}`, postId);
}

// ---------------------------------------------------------------------------------------------------------------------
// YouTube

const YOUTUBE_HANDLE = /^[\p{L}\p{M}\p{N}._-]{3,30}$/u;
const YOUTUBE_CHANNEL_ID = /^UC[A-Za-z0-9_-]{22}$/;
const YOUTUBE_LEGACY_NAME = /^[\p{L}\p{M}\p{N}._-]{1,100}$/u;
const YOUTUBE_VIDEO_PATHS = new Set(['watch', 'shorts', 'embed', 'live', 'v', 'playlist', 'clip']);
const YOUTUBE_TABS = new Set([
  'featured', 'videos', 'shorts', 'streams', 'live', 'playlists', 'community', 'posts', 'channels', 'about', 'podcasts',
  'releases', 'store',
]);

function youtubeLink({ host, segments }: WebLink): CanonicalChannel {
  if (host === 'youtu.be') throw youtubeVideoLink();
  const [first, ...rest] = segments;
  if (first === undefined) throw noName('YouTube');
  if (first.startsWith('@')) return youtubeHandle(first.slice(1), rest);
  const lower = first.toLowerCase();
  if (YOUTUBE_VIDEO_PATHS.has(lower)) throw youtubeVideoLink();
  if (lower === 'channel') {
    const [id, ...tabs] = rest;
    if (id === undefined) throw noName('YouTube');
    if (!YOUTUBE_CHANNEL_ID.test(id)) throw invalidName('YouTube channel id', id, 'UC followed by 22 characters');
    youtubeTabs(tabs);
    return channel('youtube', 'channel', `channel/${id}`, null, `https://youtube.com/channel/${id}`, null);
  }
  if (lower === 'c' || lower === 'user') {
    const [name, ...tabs] = rest;
    if (name === undefined) throw noName('YouTube');
    const handle = name.toLowerCase();
    if (!YOUTUBE_LEGACY_NAME.test(handle)) {
      throw invalidName('YouTube channel name', name, 'letters, digits, _, - or .');
    }
    youtubeTabs(tabs);
    return channel('youtube', 'channel', `${lower}/${handle}`, handle, `https://youtube.com/${lower}/${handle}`, null);
  }
  throw unrecognised(
    `${quote(first)} is not a YouTube channel path; paste the channel's @handle or youtube.com/channel/ link`,
  );
}

function youtubeHandle(name: string, tabs: string[]): CanonicalChannel {
  const handle = name.toLowerCase();
  if (!YOUTUBE_HANDLE.test(handle)) throw invalidName('YouTube handle', name, '3-30 letters, digits, _, - or .');
  youtubeTabs(tabs);
  return channel('youtube', 'channel', handle, handle, `https://youtube.com/@${handle}`, null);
}

function youtubeTabs(tabs: string[]): void {
  if (tabs.length > 1 || (tabs.length === 1 && !YOUTUBE_TABS.has(tabs[0].toLowerCase()))) {
    throw unexpectedPath('YouTube', tabs);
  }
}

function youtubeVideoLink(): DomainError {
  return unrecognised(
    "a YouTube video link does not name the channel; paste the channel's @handle or youtube.com/channel/ link",
  );
}

// ---------------------------------------------------------------------------------------------------------------------
// TikTok

const TIKTOK_USERNAME = /^[a-z0-9._]{2,24}$/;

function tiktokLink({ host, segments }: WebLink): CanonicalChannel {
  if (host === 'vm.tiktok.com' || host === 'vt.tiktok.com') throw tiktokShortLink();
  const [first, ...rest] = segments;
  if (first === undefined) throw noName('TikTok');
  if (first.toLowerCase() === 't') throw tiktokShortLink();
  if (!first.startsWith('@')) {
    throw unrecognised(`${quote(first)} is not a TikTok profile path; profile links look like tiktok.com/@name`);
  }
  return tiktokAccount(first.slice(1), rest);
}

function tiktokAccount(name: string, rest: string[]): CanonicalChannel {
  const handle = name.toLowerCase();
  if (!TIKTOK_USERNAME.test(handle)) throw invalidName('TikTok username', name, '2-24 letters, digits, _ or .');
  let postId: string | null = null;
  const [section, id] = rest;
  if (section !== undefined) {
    const lower = section.toLowerCase();
    if ((lower === 'video' || lower === 'photo') && rest.length === 2 && id !== undefined && /^\d{1,25}$/.test(id)) {
      postId = id;
    } else if (!(lower === 'live' && rest.length === 1)) {
      throw unexpectedPath('TikTok', rest);
    }
  }
  return channel('tiktok', 'account', handle, handle, `https://tiktok.com/@${handle}`, postId);
}

function tiktokShortLink(): DomainError {
  return unrecognised('a TikTok short link does not name the account; paste the tiktok.com/@name link');
}

// ---------------------------------------------------------------------------------------------------------------------
// Discord

const DISCORD_INVITE_CODE = /^[A-Za-z0-9-]{2,32}$/;

function discordLink({ host, segments }: WebLink): CanonicalChannel {
  let code: string | undefined;
  let rest: string[];
  if (host === 'discord.gg') {
    [code, ...rest] = segments;
  } else if (segments[0]?.toLowerCase() === 'invite') {
    [, code, ...rest] = segments;
  } else {
    throw unrecognised('only Discord invite links name a server; paste discord.gg/CODE or discord.com/invite/CODE');
  }
  if (code === undefined) throw unrecognised('the Discord invite link has no invite code');
  if (!DISCORD_INVITE_CODE.test(code)) throw invalidName('Discord invite code', code, '2-32 letters, digits or -');
  if (rest.length > 0) throw unexpectedPath('Discord', rest);
  return channel('discord', 'invite', `+${code}`, null, `https://discord.gg/${code}`, null);
}

// ---------------------------------------------------------------------------------------------------------------------
// Matrix: matrix.to/#/<identifier>[/<event id>][?via=server]

const MATRIX_SERVER = /^(?=.*[a-z])[a-z0-9-]+(\.[a-z0-9-]+)+(:\d{1,5})?$/i;
const MATRIX_ALIAS = /^#([^:#]{1,200}):(.+)$/;
const MATRIX_ROOM_ID = /^!([A-Za-z0-9._~+/=-]{1,200})(?::(.+))?$/;
const MATRIX_USER = /^@([a-z0-9._=/+-]{1,200}):(.+)$/i;

function matrixLink({ url }: WebLink): CanonicalChannel {
  const fragment = url.hash.slice(1).split('?')[0];
  if (!fragment.startsWith('/') || fragment.length === 1) throw noName('Matrix');
  const [encodedId, encodedEvent, ...rest] = fragment.slice(1).split('/');
  if (rest.length > 0) throw unexpectedPath('Matrix', rest);
  const decode = (part: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw unrecognised(`malformed percent-encoding in ${quote(part)}`);
    }
  };
  const identifier = decode(encodedId);
  const postId = encodedEvent === undefined || encodedEvent === '' ? null : decode(encodedEvent);
  if (postId !== null && !/^\$[A-Za-z0-9._~+/=:-]{1,255}$/.test(postId)) throw unexpectedPath('Matrix', [postId]);
  return { ...matrixIdentifier(identifier), postId };
}

function matrixIdentifier(identifier: string): CanonicalChannel {
  if (identifier.length > 255 || UNSAFE_CHARACTERS.test(identifier)) {
    throw invalidName('Matrix identifier', identifier, 'at most 255 characters, no whitespace');
  }
  const alias = MATRIX_ALIAS.exec(identifier);
  if (alias && matrixServer(alias[2])) {
    const id = identifier.toLowerCase();
    return channel('matrix', 'group', id, id, `https://matrix.to/#/${id}`, null);
  }
  const room = MATRIX_ROOM_ID.exec(identifier);
  if (room && (room[2] === undefined || matrixServer(room[2]))) {
    return channel('matrix', 'group', identifier, null, `https://matrix.to/#/${identifier}`, null);
  }
  const user = MATRIX_USER.exec(identifier);
  if (user && matrixServer(user[2])) {
    const id = identifier.toLowerCase();
    return channel('matrix', 'account', id, id, `https://matrix.to/#/${id}`, null);
  }
  throw invalidName(
    'Matrix identifier',
    identifier,
    'a room alias #room:server.org, a room id !id:server.org or a user @user:server.org',
  );
}

function matrixServer(server: string): boolean {
  return MATRIX_SERVER.test(server) && !/^\d+(\.\d+){3}(:\d+)?$/.test(server);
}

// ---------------------------------------------------------------------------------------------------------------------
// other: any public http(s) site, keyed by host and path.

function otherChannel(host: string, url: URL): CanonicalChannel {
  if (!host.includes('.')) throw unrecognised(`host ${quote(host)} is not a public domain name`);
  const hostWithPort = url.port === '' ? host : `${host}:${url.port}`;
  const path = url.pathname.replace(/\/+$/, '');
  const id = `${hostWithPort}${path}`;
  return channel('other', 'channel', id, null, `https://${id}`, null);
}

// ---------------------------------------------------------------------------------------------------------------------
// Shared pieces

function channel(
  platform: Platform,
  kind: ChannelKind,
  id: string,
  handle: string | null,
  url: string,
  postId: string | null,
): CanonicalChannel {
  return { platform, kind, key: `${platform}:${id}`, handle, url, postId };
}

/**
 * What may follow a channel name in a post link: nothing, or up to `maxSegments` ids (Telegram forum topics put the
 * topic before the message); the post id is the last one.
 */
function postIdFrom(rest: string[], label: string, maxSegments: number, pattern = /^\d{1,20}$/): string | null {
  if (rest.length === 0) return null;
  if (rest.length > maxSegments || !rest.every((segment) => pattern.test(segment))) throw unexpectedPath(label, rest);
  return rest[rest.length - 1];
}

function unrecognised(message: string): DomainError {
  return new DomainError('CHANNEL_UNRECOGNISED', message);
}

function credentialsRefused(): DomainError {
  return unrecognised('links with credentials (user:pass@) are not accepted');
}

function noName(label: string): DomainError {
  return unrecognised(`the ${label} link has no channel name`);
}

function reservedPath(label: string, segment: string): DomainError {
  return unrecognised(`${quote(segment)} is a reserved ${label} path, not a channel`);
}

function unexpectedPath(label: string, rest: string[]): DomainError {
  return unrecognised(`unexpected path ${quote(`/${rest.join('/')}`)} in the ${label} link`);
}

function invalidName(what: string, value: string, rule: string): DomainError {
  return unrecognised(`${quote(value)} is not a valid ${what} (${rule})`);
}

/** Quotes a piece of the input for a message, cut short so a message never echoes a whole 2 kB input. */
function quote(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 61)}...` : value);
}
