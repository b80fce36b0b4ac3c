/**
 * What the demo's simulated reports look like: each city's sector mix follows its economy (coal-heavy
 * cities report more coal and gas hazards), titles are typical findings of each sector's standard.
 */
import type { Sector, Source } from '../../shared/domain';

/** Relative weight of coal (and mine gas) in each city's reports. */
export const COAL_WEIGHT: Record<string, number> = {
  '140100': 0.5, '140200': 1.5, '140300': 1.6, '140400': 1.6, '140500': 1.6, '140600': 1.9,
  '140700': 1.3, '140800': 0.15, '140900': 1.4, '141000': 1.5, '141100': 1.6,
};

/** Reports per day by city, roughly following population and industry. */
export const CITY_VOLUME: Record<string, number> = {
  '140100': 16, '140200': 11, '140300': 6, '140400': 11, '140500': 9, '140600': 7,
  '140700': 11, '140800': 12, '140900': 9, '141000': 13, '141100': 11,
};

export const BASE_SECTOR_WEIGHT: Record<Sector, number> = {
  coal: 0.1, noncoal: 0.06, hazchem: 0.07, fireworks: 0.02, indtrade: 0.14, fire: 0.16, construction: 0.11, gas: 0.05,
  road: 0.08, water_transport: 0.005, explosives: 0.01, special_equipment: 0.05, power: 0.02, tourism: 0.02, campus: 0.02,
  catering: 0.04, agriculture: 0.02, water_conservancy: 0.01, urban_rail: 0, other: 0.02,
};

export const SOURCE_WEIGHT: Record<Source, number> = {
  self_check: 0.36, inspection: 0.4, spot_check: 0.1, public_report: 0.05, monitoring: 0.07, other: 0.02,
};

export const TITLES: Record<Sector, string[]> = {
  coal: ['主要通风机无备用电源', '瓦斯监控系统传感器失效', '井下作业人员超定员', '采掘工作面探放水措施未落实', '超层越界开采', '煤与瓦斯突出矿井未按规定采取防突措施', '提升系统安全保护装置失效'],
  noncoal: ['尾矿库排洪设施堵塞', '露天采场边坡超高超陡', '地下矿山未建立安全避险系统', '尾矿库坝体出现贯穿性裂缝'],
  hazchem: ['储罐区可燃气体报警器失效', '重大危险源未实施在线监测', '涉及重点监管危险化工工艺的装置未实现自动化控制', '液化烃储罐未设置紧急切断阀'],
  fireworks: ['工房内超量存放药物', '生产区防雷设施失效', '违规使用氯酸钾'],
  indtrade: ['粉尘涉爆除尘系统未设置泄爆装置', '有限空间作业未审批', '铝加工深井铸造未设置紧急排放装置', '冶金煤气区域未设置报警仪'],
  fire: ['消防通道堵塞', '自动喷水灭火系统停用', '疏散指示标志损坏', '人员密集场所安全出口上锁', '电动自行车违规室内充电'],
  construction: ['深基坑支护变形超限', '高支模未经专家论证', '塔吊安全限位装置失效', '脚手架连墙件缺失'],
  gas: ['燃气管道腐蚀泄漏', '餐饮场所未安装燃气泄漏报警装置', '燃气调压站安全附件超期未检', '违规使用瓶装液化石油气'],
  road: ['客运车辆动态监控离线', '危险货物运输车辆未按规定路线行驶', '驾驶员疲劳驾驶未纠正', '长下坡路段避险车道堵塞'],
  water_transport: ['渡船超载', '救生设备配备不足'],
  explosives: ['民爆物品储存库防盗报警失效', '炸药生产线超员'],
  special_equipment: ['电梯超期未检', '压力容器安全阀失效', '起重机械制动器磨损超标'],
  power: ['变电站消防设施缺失', '输电线路通道违章建筑'],
  tourism: ['景区游乐设施未定期检测', '玻璃栈道未设置限流措施'],
  campus: ['学校实验室危化品管理混乱', '宿舍楼疏散通道堵塞'],
  catering: ['后厨油烟管道未清洗', '酒店消防控制室无人值守'],
  agriculture: ['农机带病作业', '沼气池未设置防护设施'],
  water_conservancy: ['水库溢洪道堵塞', '水闸启闭设备失灵'],
  urban_rail: ['地铁车站出入口应急照明失效', '盾构区间监测数据超限未处置'],
  other: ['临时用电私拉乱接', '仓库违规住人'],
};

export const ENTERPRISE_SUFFIX: Record<Sector, string> = {
  coal: '煤业有限公司', noncoal: '矿业有限公司', hazchem: '化工有限公司', fireworks: '烟花爆竹有限公司', indtrade: '实业有限公司',
  fire: '商贸广场', construction: '建筑工程有限公司', gas: '燃气有限公司', road: '运输有限公司', water_transport: '航运公司',
  explosives: '民爆器材有限公司', special_equipment: '机械制造有限公司', power: '供电公司', tourism: '旅游开发有限公司',
  campus: '中学', catering: '大酒店', agriculture: '农机专业合作社', water_conservancy: '水利工程管理站', urban_rail: '轨道交通集团有限公司',
  other: '物流有限公司',
};

export const FIRM_WORDS = ['鑫源', '华晋', '金泰', '宏达', '兴盛', '永安', '晋丰', '恒通', '瑞丰', '三元', '龙泉', '国泰', '汇能', '新峰'];
