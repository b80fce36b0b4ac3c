import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../scripts/bench/report';
import { parseFlags, percentile, type Machine } from '../../../scripts/bench/util';

describe('bench flags', () => {
  it.each([
    [[], { rows: 50_000, sockets: 200, startupHazards: 1_000_000, only: null }],
    [['--rows', '5000'], { rows: 5000 }],
    [['--rows=5_000', '--seconds', '3'], { rows: 5000, seconds: 3 }],
    [['--startup-dir', '/tmp/x', '--out', 'a.md'], { startupDir: '/tmp/x', out: 'a.md' }],
    [['--only', 'raw,http'], { only: new Set(['raw', 'http']) }],
    [['--watcher-procs', '2', '--sockets', '20'], { watcherProcs: 2, sockets: 20 }],
  ])('%j', (argv, expected) => {
    expect(parseFlags(argv)).toMatchObject(expected);
  });

  it.each([
    [['--rows'], /--rows needs a value/],
    [['--rows', '-3'], /whole number/],
    [['--rows', '1.5'], /whole number/],
    [['--bogus', '1'], /unknown argument --bogus/],
    [['rows'], /unknown argument rows/],
  ])('%j is refused', (argv, message) => {
    expect(() => parseFlags(argv)).toThrow(message);
  });
});

describe('percentile (nearest rank)', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  it.each([
    [xs, 50, 50],
    [xs, 99, 99],
    [xs, 100, 100],
    [xs, 0, 1],
    [[7], 99, 7],
    [[1, 2, 3, 4], 50, 2],
  ])('%#: p%i', (sorted, p, expected) => {
    expect(percentile(sorted, p)).toBe(expected);
  });
  it('is NaN for no samples', () => expect(percentile([], 50)).toBeNaN());
});

describe('the report', () => {
  const m: Machine = { cpu: 'Test CPU', cores: 2, memory: '1.0 GiB', node: 'v20', os: 'Linux', date: '2026-01-01 00:00 UTC' };
  const flags = parseFlags([]);
  it('names the machine, marks failures and lists every gap', () => {
    const text = renderReport(m, flags, [], [
      { title: 'A', method: 'how A was measured', notes: ['a note'], rows: [
        { name: 'fast thing', figure: '1 ms', target: '≤ 2 ms', pass: true },
        { name: 'slow thing', figure: '9 s', target: '≤ 5 s', pass: false },
        { name: 'plain figure', figure: '3', target: '—', pass: null },
      ] },
    ], { start: '0.5', end: '0.7' }, 60_000);
    expect(text).toContain('| CPU | Test CPU |');
    expect(text).toContain('| fast thing | 1 ms | ≤ 2 ms | pass |');
    expect(text).toContain('| slow thing | 9 s | ≤ 5 s | **FAIL** |');
    expect(text).toContain('| plain figure | 3 | — |  |');
    expect(text).toMatch(/Gaps against the targets:\*\* slow thing \(9 s, target ≤ 5 s\)/);
    expect(text).toContain('### A\n\nhow A was measured');
    expect(text).toContain('- **A:** a note');
  });
  it('says so when every target is met', () => {
    const text = renderReport(m, flags, ['--rows', '10'], [{ title: 'B', method: '', notes: [], rows: [{ name: 'x', figure: '1', target: '≥ 1', pass: true }] }], { start: '0', end: '0' }, 1000);
    expect(text).toContain('Every target is met.');
    expect(text).toContain('`npm run bench -- --rows 10`');
  });
});
