/**
 * A bench run rewrites only its own blocks of docs/PERFORMANCE.md (scripts/bench/splice.ts): the hand-written text
 * around and between them must come out byte for byte as it went in — for a full run, for a part run alone, and for
 * the real file as it is in the repository.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderBlocks, renderReport, writeReport } from '../../../scripts/bench/report';
import { beginMarker, endMarker, outsideBlocks, spliceBlocks } from '../../../scripts/bench/splice';
import { parseFlags, type Machine, type PartResult } from '../../../scripts/bench/util';

const DOC = [
  '# Performance',
  '',
  beginMarker('summary'),
  'old summary',
  endMarker('summary'),
  '',
  '## Several nodes (hand-written)',
  '',
  'Measured by hand on 2026-12-01: 112 ms.',
  '',
  beginMarker('method'),
  '## Method',
  'old method',
  endMarker('method'),
  '',
  '## Notes after the method (hand-written)',
  '',
].join('\n');

const m: Machine = { cpu: 'Test CPU', cores: 2, memory: '1.0 GiB', node: 'v20', os: 'Linux', date: '2026-01-01 00:00 UTC' };
const part = (title: string, figure: string): PartResult => ({ title, method: `how ${title}`, notes: [], rows: [{ name: `${title} figure`, figure, target: '—', pass: null }] });

describe('splicing the bench blocks', () => {
  it('replaces only the text between the markers', () => {
    const out = spliceBlocks(DOC, [{ name: 'summary', text: 'new summary\nline 2' }, { name: 'method', text: '## Method\nnew method' }]);
    expect(out).toContain(`${beginMarker('summary')}\nnew summary\nline 2\n${endMarker('summary')}`);
    expect(out).not.toContain('old summary');
    expect(out).not.toContain('old method');
    expect(outsideBlocks(out)).toBe(outsideBlocks(DOC));
    expect(out).toContain('Measured by hand on 2026-12-01: 112 ms.');
    expect(out.endsWith('## Notes after the method (hand-written)\n')).toBe(true);
  });

  it('adds a block the file lacks before the method, leaving the rest', () => {
    const out = spliceBlocks(DOC, [{ name: 'part:startup', text: '## Start-up alone\nfigures' }]);
    expect(outsideBlocks(out).replace(`${beginMarker('part:startup')}\n${endMarker('part:startup')}\n\n`, '')).toBe(outsideBlocks(DOC));
    expect(out.indexOf(beginMarker('part:startup'))).toBeLessThan(out.indexOf(beginMarker('method')));
    expect(out.indexOf(beginMarker('part:startup'))).toBeGreaterThan(out.indexOf('112 ms'));
    expect(out).toContain('old summary');
    // refresh only: nothing added
    expect(spliceBlocks(DOC, [{ name: 'part:startup', text: 'x' }], { addMissing: false })).toBe(DOC);
  });

  it.each([
    ['an end without its begin', `${DOC}\n${endMarker('heavy')}\n`, /end of block "heavy" without its begin/],
    ['a begin without its end', `${DOC}\n${beginMarker('heavy')}\ntext\n`, /block "heavy" has no end marker/],
    ['nested blocks', DOC.replace('old summary', `${beginMarker('soak')}\n${endMarker('soak')}`), /begins inside block "summary"/],
    ['a block twice', `${DOC}\n${beginMarker('summary')}\n${endMarker('summary')}\n`, /appears twice/],
    ['a marker inside a line', DOC.replace('old summary', `see ${beginMarker('x')}`), /must stand alone/],
  ])('refuses %s rather than guess where hand-written text ends', (_, doc, message) => {
    expect(() => spliceBlocks(doc, [{ name: 'summary', text: 'new' }])).toThrow(message);
  });

  it('a full run writes its blocks and keeps every hand-written line of the real docs/PERFORMANCE.md', () => {
    const real = readFileSync(resolve(import.meta.dirname, '../../../docs/PERFORMANCE.md'), 'utf8');
    const r = renderBlocks(m, parseFlags([]), [], [{ key: 'ingest', parts: [part('Ingest', '1 hazards/s')] }], { start: '0.1', end: '0.2' }, 1000);
    expect(r.blocks.map((b) => b.name)).toEqual(['summary', 'soak', 'heavy', 'method']);
    const out = spliceBlocks(real, r.blocks);
    expect(outsideBlocks(out)).toBe(outsideBlocks(real));
    expect(out).toContain('| Ingest figure | 1 hazards/s | — |  |');
    // the hand-written sections of the file, by their headings, all still there (and there are some)
    const handWritten = outsideBlocks(real).split('\n').filter((l) => l.startsWith('## '));
    expect(handWritten.length).toBeGreaterThanOrEqual(4);
    for (const h of handWritten) expect(out, h).toContain(h);
  });

  it('a part run alone (--only) writes only its own block', () => {
    const flags = parseFlags(['--only', 'startup']);
    const r = renderBlocks(m, flags, ['--only', 'startup'], [{ key: 'startup', parts: [part('Start-up', '0.9 s')] }], { start: '1', end: '1' }, 1000);
    expect(r.blocks.map((b) => b.name)).toEqual(['part:startup']);
    const out = spliceBlocks(DOC, r.blocks);
    expect(out).toContain('old summary');
    expect(out).toContain('| Start-up figure | 0.9 s | — |  |');
    expect(out).toContain('`npm run bench -- --only startup`');
    // the next full run refreshes that block in place and adds nothing else
    const full = renderBlocks(m, parseFlags([]), [], [{ key: 'startup', parts: [part('Start-up', '0.8 s')] }], { start: '1', end: '1' }, 1000);
    const after = spliceBlocks(spliceBlocks(out, full.blocks), full.refresh, { addMissing: false });
    expect(after).toContain('| Start-up figure | 0.8 s | — |  |');
    expect(after).not.toContain('0.9 s');
    expect(after.split(beginMarker('part:startup')).length).toBe(2);
  });

  it('writeReport (what `npm run bench` calls) changes the file only inside the blocks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hz-splice-'));
    try {
      const file = join(dir, 'PERFORMANCE.md');
      writeFileSync(file, DOC);
      writeReport(file, renderBlocks(m, parseFlags([]), [], [{ key: 'ingest', parts: [part('Ingest', '2 hazards/s')] }], { start: '0', end: '0' }, 1000));
      const out = readFileSync(file, 'utf8');
      expect(out).toContain('| Ingest figure | 2 hazards/s | — |  |');
      expect(outsideBlocks(out).replace(/<!-- bench:(soak|heavy):begin -->\n<!-- bench:\1:end -->\n\n/g, '')).toBe(outsideBlocks(DOC));
      expect(out).toContain('Measured by hand on 2026-12-01: 112 ms.');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a fresh file is the whole report, title first', () => {
    const text = renderReport(m, parseFlags([]), [], [part('A', '1 ms')], { start: '0', end: '0' }, 1000);
    expect(text.startsWith(`# Performance\n\n${beginMarker('summary')}\n`)).toBe(true);
  });
});
