import { describe, expect, it } from 'vitest';
import { csvField, csvFileName, toCsv } from './csv';
import { formatCell, formatDateTime } from './format';
import { apiBase, initialMaxRecords, MAX_RECORDS_KEY } from './settings';

describe('cell formatting', () => {
  it('formats by column type', () => {
    expect(formatCell(null, 'String')).toMatchObject({ kind: 'null', text: '—' });
    expect(formatCell(undefined, 'Integer')).toMatchObject({ kind: 'null' });
    expect(formatCell(42, 'Integer')).toEqual({ kind: 'number', text: '42' });
    expect(formatCell('711.56', 'Decimal')).toEqual({ kind: 'number', text: '711.56' });
    expect(formatCell(0.04, 'Float')).toEqual({ kind: 'number', text: '0.04' });
    expect(formatCell(false, 'Boolean')).toEqual({ kind: 'boolean', text: 'false' });
    expect(formatCell('t', 'Boolean')).toEqual({ kind: 'boolean', text: 'true' });
    expect(formatCell({ a: [1, 2], b: 'x' }, 'Json')).toEqual({ kind: 'json', text: '{"a":[1,2],"b":"x"}' });
    expect(formatCell('{ "a" : 1 }', 'Json')).toEqual({ kind: 'json', text: '{"a":1}' });
    expect(formatCell('1996-01-02', 'Date')).toEqual({ kind: 'text', text: '1996-01-02' });
    expect(formatCell('O', 'String')).toEqual({ kind: 'text', text: 'O' });
  });

  it('shows date-times in UTC and keeps the original as a tooltip', () => {
    expect(formatDateTime('1996-01-02T10:30:00+01:00')).toBe('1996-01-02 09:30:00Z');
    expect(formatDateTime('2024-05-01T09:30:00.123Z')).toBe('2024-05-01 09:30:00.123Z');
    expect(formatDateTime('garbage')).toBe('garbage');
    expect(formatCell('1996-01-02T09:30:00+00:00', 'DateTime')).toEqual({
      kind: 'datetime',
      text: '1996-01-02 09:30:00Z',
      title: '1996-01-02T09:30:00+00:00',
    });
  });

  it('shortens long text but keeps it in the tooltip', () => {
    const long = 'x'.repeat(500);
    const c = formatCell(long, 'String');
    expect(c.text.length).toBe(120);
    expect(c.title).toBe(long);
  });
});

describe('CSV export', () => {
  it('quotes only what needs quoting (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField(true)).toBe('true');
    expect(csvField({ a: 1, b: 'x,y' })).toBe('"{""a"":1,""b"":""x,y""}"');
  });

  it('writes a header line and one CRLF-terminated line per row', () => {
    const csv = toCsv(['id', 'comment', 'ship_mode'], [
      { id: 2, comment: 'slyly "quoted", comma', ship_mode: null },
      { id: 1, comment: 'ok', ship_mode: 'TRUCK' },
    ]);
    expect(csv).toBe('id,comment,ship_mode\r\n2,"slyly ""quoted"", comma",\r\n1,ok,TRUCK\r\n');
  });

  it('names the file after the entity and the local time', () => {
    expect(csvFileName('Order Line/Item', new Date(2024, 4, 1, 9, 3, 7))).toBe('Order_Line_Item-20240501-090307.csv');
  });
});

describe('settings', () => {
  const store = (v: string | null) => ({ getItem: (k: string) => (k === MAX_RECORDS_KEY ? v : null) });
  it('takes ?max= first, then the saved setting, then 100', () => {
    expect(initialMaxRecords('?max=25', store('50'))).toBe(25);
    expect(initialMaxRecords('', store('50'))).toBe(50);
    expect(initialMaxRecords('?max=abc', store(null))).toBe(100);
    expect(initialMaxRecords('?max=0', null)).toBe(100);
    expect(initialMaxRecords('?max=999999', null)).toBe(10000);
  });

  it('resolves the backend relative to the page, or from ?api=', () => {
    const base = apiBase({ href: 'http://h:3000/dash/?max=5', search: '?max=5' });
    expect(new URL('api/entities', base).toString()).toBe('http://h:3000/dash/api/entities');
    const o = apiBase({ href: 'http://h/', search: '?api=http://b:3000' });
    expect(new URL('api/stats', o).toString()).toBe('http://b:3000/api/stats');
  });
});
