/**
 * Chinese text in a PDF made by pdf-lib: each run of characters is set in the Noto Sans SC slice that holds
 * it (embedded as a subset, so the file carries only the glyphs used), which keeps the text real, searchable
 * and copyable, in the same font as the page.
 */
import fontkit from '@pdf-lib/fontkit';
import { rgb, type PDFDocument, type PDFFont, type PDFPage, type RGB } from 'pdf-lib';
import { fetchFont, sliceFor, slicesFor, type Slice } from './font-slices';
import { woffToTtf } from './woff';

export type Weight = 400 | 700;
export type TextStyle = { size: number; weight?: Weight; color?: RGB };
type Run = { font: PDFFont; text: string };

/**
 * WOFF 1.0 copies of the page's slices (the page's stylesheet carries only WOFF2, and fontkit's WOFF2 decoder
 * garbles these fonts' outlines). Emitted with the build, fetched only for a PDF, unpacked to TrueType here.
 */
const WOFF = import.meta.glob<string>('../../../node_modules/@fontsource/noto-sans-sc/files/noto-sans-sc-*-{400,700}-normal.woff', {
  eager: true, query: '?url', import: 'default',
});
const WOFF_BY_NAME = new Map(Object.entries(WOFF).map(([path, url]) => [path.slice(path.lastIndexOf('/') + 1), url]));

function woffOf(s: Slice): string | null {
  const m = /(noto-sans-sc-[a-z0-9-]+?-\d00-normal)[^/]*\.woff2/.exec(s.woff2 ?? '');
  return m ? WOFF_BY_NAME.get(`${m[1]}.woff`) ?? null : null;
}

export const ink = rgb(0.06, 0.09, 0.16);
export const dim = rgb(0.28, 0.33, 0.41);

/** What the layout needs from text: a recorder for the dry run, the real thing after. */
export interface TextSetter {
  width(text: string, style: TextStyle): number;
  draw(page: PDFPage, text: string, x: number, y: number, style: TextStyle): number;
  wrap(text: string, max: number, style: TextStyle): string[];
}

/**
 * A dry run of the layout through this records every string in its weight, so only the font slices that
 * are really drawn get embedded (each embedded slice costs time in the browser and bytes in the file).
 */
export class TextRecorder implements TextSetter {
  readonly seen: Record<Weight, string[]> = { 400: [], 700: [] };
  width(text: string, style: TextStyle): number {
    this.seen[style.weight ?? 400].push(text);
    return text.length * style.size;
  }
  draw(_page: PDFPage, text: string, _x: number, _y: number, style: TextStyle): number {
    return this.width(text, style);
  }
  wrap(text: string, _max: number, style: TextStyle): string[] {
    this.seen[style.weight ?? 400].push(text);
    return [text];
  }
}

export class PdfText implements TextSetter {
  private fonts = new Map<Slice, PDFFont>();
  private pending = new Map<Slice, Promise<void>>();

  constructor(private readonly doc: PDFDocument) {
    doc.registerFontkit(fontkit);
  }

  /** Embeds the slices `text` needs in the weight (call before drawing or measuring it). */
  async prepare(text: string, weight: Weight = 400): Promise<void> {
    await Promise.all(slicesFor(text, weight).map((s) => {
      let p = this.pending.get(s);
      if (!p) {
        const url = woffOf(s) ?? s.woff;
        if (!url) return Promise.resolve();
        p = fetchFont(url).then(async (bytes) => {
          this.fonts.set(s, await this.doc.embedFont(await woffToTtf(bytes), { subset: true }));
        });
        this.pending.set(s, p);
      }
      return p;
    }));
  }

  private runs(text: string, weight: Weight): Run[] {
    const out: Run[] = [];
    for (const ch of text) {
      const slice = sliceFor(ch.codePointAt(0)!, weight);
      const font = slice && this.fonts.get(slice);
      if (!font) continue; // a character no slice holds (never in our texts): left out rather than drawn wrong
      const last = out[out.length - 1];
      if (last && last.font === font) last.text += ch;
      else out.push({ font, text: ch });
    }
    return out;
  }

  width(text: string, style: TextStyle): number {
    return this.runs(text, style.weight ?? 400).reduce((w, r) => w + r.font.widthOfTextAtSize(r.text, style.size), 0);
  }

  /** Draws one line with its baseline at y; returns its width. */
  draw(page: PDFPage, text: string, x: number, y: number, style: TextStyle): number {
    let cx = x;
    for (const r of this.runs(text, style.weight ?? 400)) {
      page.drawText(r.text, { x: cx, y, size: style.size, font: r.font, color: style.color ?? ink });
      cx += r.font.widthOfTextAtSize(r.text, style.size);
    }
    return cx - x;
  }

  /** Lines no wider than `max`: Chinese breaks between any two characters, Latin text at spaces. */
  wrap(text: string, max: number, style: TextStyle): string[] {
    const tokens = text.match(/[A-Za-z0-9.,%()'"\-:;/]+\s*|\s+|./gu) ?? [];
    const lines: string[] = [];
    let line = '';
    let w = 0;
    for (const tok of tokens) {
      const tw = this.width(tok, style);
      if (line && w + tw > max) {
        lines.push(line.trimEnd());
        line = tok.trimStart();
        w = this.width(line, style);
      } else {
        line += tok;
        w += tw;
      }
    }
    if (line.trim()) lines.push(line.trimEnd());
    return lines;
  }
}
