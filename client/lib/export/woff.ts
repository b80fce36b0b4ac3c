/**
 * WOFF 1.0 → TrueType, with the browser's own zlib (DecompressionStream). fontkit can read WOFF itself, but its
 * small inflater rejects some of these slices' tables ("Data error"), so the PDF gets plain TrueType instead.
 */
async function inflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function woffToTtf(buf: ArrayBuffer): Promise<Uint8Array> {
  const v = new DataView(buf);
  if (v.getUint32(0) !== 0x774f4646) throw new Error('not a WOFF file');
  const n = v.getUint16(12);
  const tables = await Promise.all(Array.from({ length: n }, async (_, i) => {
    const o = 44 + i * 20;
    const [off, comp, orig] = [v.getUint32(o + 4), v.getUint32(o + 8), v.getUint32(o + 12)];
    const raw = new Uint8Array(buf, off, comp);
    return { tag: v.getUint32(o), checksum: v.getUint32(o + 16), data: comp < orig ? await inflate(raw) : raw };
  }));
  // sfnt header, table directory, then each table on a 4-byte boundary
  let size = 12 + 16 * n;
  const offsets = tables.map((t) => {
    const at = size;
    size += (t.data.length + 3) & ~3;
    return at;
  });
  const out = new Uint8Array(size);
  const w = new DataView(out.buffer);
  const entrySelector = Math.floor(Math.log2(n));
  w.setUint32(0, v.getUint32(4));
  w.setUint16(4, n);
  w.setUint16(6, 16 * 2 ** entrySelector);
  w.setUint16(8, entrySelector);
  w.setUint16(10, n * 16 - 16 * 2 ** entrySelector);
  tables.forEach((t, i) => {
    const o = 12 + 16 * i;
    w.setUint32(o, t.tag);
    w.setUint32(o + 4, t.checksum);
    w.setUint32(o + 8, offsets[i]!);
    w.setUint32(o + 12, t.data.length);
    out.set(t.data, offsets[i]!);
  });
  return out;
}
