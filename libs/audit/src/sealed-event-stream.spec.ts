import { copyTextField, occurredAtOfIsoTimestamp, sealedEventOfCopyRow } from './sealed-event-stream';

describe('reading a COPY text row', () => {
  it('undoes the escapes COPY TO writes and reads \\N as NULL', () => {
    expect(copyTextField('\\N')).toBeNull();
    expect(copyTextField('plain')).toBe('plain');
    expect(copyTextField('a\\tb\\nc\\rd\\be\\ff\\vg')).toBe('a\tb\nc\rd\be\ff\vg');
    expect(copyTextField('back\\\\slash \\\\N')).toBe('back\\slash \\N');
    expect(copyTextField('{"q": "say \\\\"hi\\\\""}')).toBe('{"q": "say \\"hi\\""}');
  });

  it('rewrites a UTC timestamp as occurredAtSql writes it: six fractional digits and Z', () => {
    expect(occurredAtOfIsoTimestamp('2026-11-25 10:00:02.000450')).toBe('2026-11-25T10:00:02.000450Z');
    expect(occurredAtOfIsoTimestamp('2026-11-25 10:00:02.00045')).toBe('2026-11-25T10:00:02.000450Z');
    expect(occurredAtOfIsoTimestamp('2026-11-25 10:00:02.5')).toBe('2026-11-25T10:00:02.500000Z');
    expect(occurredAtOfIsoTimestamp('2026-11-25 10:00:02')).toBe('2026-11-25T10:00:02.000000Z');
    // Never what the sealer hashed, so such a row fails verification instead of being read some other way.
    expect(occurredAtOfIsoTimestamp('0044-03-15 12:00:00 BC')).toBe('0044-03-15 12:00:00 BC');
    expect(occurredAtOfIsoTimestamp('infinity')).toBe('infinity');
  });

  it('maps the twelve columns to the event the chain hashes', () => {
    const row = [
      '7', '00000000-0000-4000-8000-000000000007', '2026-11-25 10:00:07.1', '\\N', 'public', 'report.received',
      'report', 'r\\t1', '{"n": 7, "s": "a\\\\nb"}', 'req-7', 'a'.repeat(64), 'b'.repeat(64),
    ].join('\t');
    expect(sealedEventOfCopyRow(row)).toEqual({
      seq: 7,
      id: '00000000-0000-4000-8000-000000000007',
      occurredAt: '2026-11-25T10:00:07.100000Z',
      actor: { id: null, role: 'public' },
      action: 'report.received',
      target: { type: 'report', id: 'r\t1' },
      data: { n: 7, s: 'a\nb' },
      requestId: 'req-7',
      prevHash: 'a'.repeat(64),
      hash: 'b'.repeat(64),
    });
    expect(() => sealedEventOfCopyRow('7\tonly two')).toThrow(/2 fields, expected 12/);
  });
});
