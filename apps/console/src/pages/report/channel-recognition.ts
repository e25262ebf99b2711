// What the report form says about the channel link while it is typed: the very rules the server applies
// (libs/domain's canonicaliser, imported, not rewritten), so the form cannot promise what intake will refuse.
import { canonicaliseChannel } from '@vigil/domain/channel-key';
import type { Platform } from '@vigil/domain/taxonomy';

export type Recognition =
  | { kind: 'empty' }
  | { kind: 'recognised'; platform: Platform; key: string }
  | { kind: 'unrecognised'; message: string };

export function recogniseChannel(input: string, platform?: Platform): Recognition {
  if (input.trim() === '') return { kind: 'empty' };
  try {
    const channel = canonicaliseChannel(input, platform);
    return { kind: 'recognised', platform: channel.platform, key: channel.key };
  } catch (error) {
    return { kind: 'unrecognised', message: error instanceof Error ? error.message : String(error) };
  }
}
