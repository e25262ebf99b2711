import { recogniseChannel } from './channel-recognition';

describe('recogniseChannel', () => {
  it('says nothing about an empty field', () => {
    expect(recogniseChannel('   ')).toEqual({ kind: 'empty' });
  });

  it('gives every link form of one channel the key the server will give it', () => {
    for (const link of [
      'https://t.me/s/Example_Channel/42',
      't.me/example_channel',
      'tg://resolve?domain=example_channel',
    ]) {
      expect(recogniseChannel(link)).toEqual({
        kind: 'recognised',
        platform: 'telegram',
        key: 'telegram:example_channel',
      });
    }
  });

  it('needs the platform for a bare @handle, as intake does', () => {
    expect(recogniseChannel('@example').kind).toBe('unrecognised');
    expect(recogniseChannel('@example', 'x')).toEqual({ kind: 'recognised', platform: 'x', key: 'x:example' });
  });

  it('passes on the canonicaliser’s reason for refusing a link', () => {
    const refused = recogniseChannel('ftp://t.me/example');
    expect(refused.kind).toBe('unrecognised');
    expect(refused.kind === 'unrecognised' && refused.message).toMatch(/unsupported scheme/);
  });
});
