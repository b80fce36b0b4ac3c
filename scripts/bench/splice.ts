/**
 * The benchmark owns only the parts of docs/PERFORMANCE.md between its markers, one pair per block:
 *
 *     <!-- bench:NAME:begin -->
 *     …generated…
 *     <!-- bench:NAME:end -->
 *
 * A run replaces the text between the markers of each block it rendered and leaves every other byte of the
 * file as it was: the hand-written sections around and between the blocks survive every run. A block the file
 * does not have yet is added (before the `method` block when there is one, else at the end). Markers that do
 * not pair up are refused with the line they are on, before anything is written: guessing where a block ends
 * could swallow hand-written text.
 */

export type Block = { name: string; text: string };

const MARKER = /^<!-- bench:([a-z0-9][a-z0-9:,_-]*):(begin|end) -->$/;
export const beginMarker = (name: string) => `<!-- bench:${name}:begin -->`;
export const endMarker = (name: string) => `<!-- bench:${name}:end -->`;

type Span = { name: string; begin: number; end: number };

/** Where each block's markers are (line indexes); throws when they do not pair up. */
export function blockSpans(lines: readonly string[]): Map<string, Span> {
  const spans = new Map<string, Span>();
  let open: { name: string; line: number } | null = null;
  lines.forEach((line, i) => {
    const m = MARKER.exec(line.trimEnd());
    if (!m) {
      if (line.includes('<!-- bench:')) throw new Error(`line ${i + 1}: a bench marker must stand alone on its line: ${line}`);
      return;
    }
    const [, name, kind] = m as unknown as [string, string, 'begin' | 'end'];
    if (kind === 'begin') {
      if (open) throw new Error(`line ${i + 1}: block "${name}" begins inside block "${open.name}" (begun on line ${open.line + 1})`);
      if (spans.has(name)) throw new Error(`line ${i + 1}: block "${name}" appears twice`);
      open = { name, line: i };
    } else {
      if (!open || open.name !== name) throw new Error(`line ${i + 1}: end of block "${name}" without its begin`);
      spans.set(name, { name, begin: open.line, end: i });
      open = null;
    }
  });
  if (open) {
    const o = open as { name: string; line: number };
    throw new Error(`line ${o.line + 1}: block "${o.name}" has no end marker`);
  }
  return spans;
}

const wrap = (b: Block) => [beginMarker(b.name), ...b.text.replace(/\n+$/, '').split('\n'), endMarker(b.name)];

/**
 * `markdown` with each of `blocks` put between its markers. `addMissing: false` only refreshes blocks the file
 * already has (a full run refreshes the per-part blocks an earlier partial run left, but adds none).
 */
export function spliceBlocks(markdown: string, blocks: readonly Block[], opts: { addMissing?: boolean } = {}): string {
  const addMissing = opts.addMissing ?? true;
  const lines = markdown.split('\n');
  const spans = blockSpans(lines);
  for (const b of blocks) if (!MARKER.test(beginMarker(b.name))) throw new Error(`bad block name "${b.name}"`);
  // from the bottom up, so that earlier spans keep their line numbers
  const present = blocks.filter((b) => spans.has(b.name)).sort((a, b) => spans.get(b.name)!.begin - spans.get(a.name)!.begin);
  for (const b of present) {
    const s = spans.get(b.name)!;
    lines.splice(s.begin, s.end - s.begin + 1, ...wrap(b));
  }
  if (!addMissing) return lines.join('\n');
  const missing = blocks.filter((b) => !spans.has(b.name));
  if (!missing.length) return lines.join('\n');
  const added = missing.flatMap((b) => [...wrap(b), '']);
  const method = lines.indexOf(beginMarker('method'));
  if (method >= 0) lines.splice(method, 0, ...added);
  else {
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    lines.push('', ...added);
  }
  return lines.join('\n');
}

/** The text outside every block: what a run must leave exactly as it was (tests/unit/scripts/bench-splice.test.ts). */
export function outsideBlocks(markdown: string): string {
  const lines = markdown.split('\n');
  const spans = [...blockSpans(lines).values()].sort((a, b) => b.begin - a.begin);
  for (const s of spans) lines.splice(s.begin + 1, s.end - s.begin - 1);
  return lines.join('\n');
}
