/**
 * What the demo's simulated reports look like. The level is drawn first and the title from that level's list, so
 * a finding the major-hazard standard (判定标准) names is always major; major titles quote the standards' wording
 * where one exists (docs/DOMAIN.md "Sectors"). Where hazards happen follows shared/regions/economy.ts.
 */
import type { Sector, Source } from '../../shared/domain';

/** Reports per day by city, roughly following population and industry. */
export const CITY_VOLUME: Record<string, number> = {
  '140100': 16, '140200': 11, '140300': 6, '140400': 11, '140500': 9, '140600': 7,
  '140700': 11, '140800': 12, '140900': 9, '141000': 13, '141100': 11,
};

export const BASE_SECTOR_WEIGHT: Record<Sector, number> = {
  coal: 0.1, noncoal: 0.05, hazchem: 0.07, fireworks: 0.02, indtrade: 0.14, fire: 0.16, construction: 0.11, gas: 0.05,
  road: 0.08, water_transport: 0.005, explosives: 0.01, special_equipment: 0.05, power: 0.02, tourism: 0.02, campus: 0.02,
  catering: 0.04, agriculture: 0.02, water_conservancy: 0.01, urban_rail: 0, other: 0.02,
};

export const SOURCE_WEIGHT: Record<Source, number> = {
  self_check: 0.36, inspection: 0.4, spot_check: 0.1, public_report: 0.05, monitoring: 0.07, other: 0.02,
};

/** Share of major hazards among a sector's findings. */
export const MAJOR_SHARE: Partial<Record<Sector, number>> = { coal: 0.2, noncoal: 0.16, hazchem: 0.15 };
export const DEFAULT_MAJOR_SHARE = 0.1;

type Titles = { major: readonly string[]; general: readonly string[] };
export const TITLES: Record<Sector, Titles> = {
  coal: {
    major: ['超能力、超强度或者超定员组织生产', '瓦斯超限作业', '煤与瓦斯突出矿井未依照规定实施防突出措施', '超层越界开采',
      '有严重水患，未采取有效措施', '通风系统不完善、不可靠', '自然发火严重，未采取有效措施', '使用明令禁止使用或者淘汰的设备、工艺'],
    general: ['主要通风机房值班记录不全', '井下巷道局部支护变形', '瓦斯传感器未按期调校', '井下消防器材配备不足', '带式输送机防跑偏装置失效'],
  },
  noncoal: {
    major: ['尾矿库坝体出现贯穿性横向裂缝', '地下矿山安全出口不符合国家标准、行业标准或者设计要求', '露天矿山边坡出现滑移现象', '超层越界开采'],
    general: ['露天采场安全平台宽度不足', '矿区道路安全警示标志缺失', '尾矿库坝面排水沟淤积', '破碎车间防护栏缺失'],
  },
  hazchem: {
    major: ['涉及重点监管危险化工工艺的装置未实现自动化控制', '构成一级、二级重大危险源的危险化学品罐区未实现紧急切断功能',
      '全压力式液化烃储罐未按国家标准设置注水措施', '控制室或机柜间面向具有火灾、爆炸危险性装置一侧不满足防火防爆要求'],
    general: ['储罐区防火堤局部破损', '可燃气体报警器未按期检定', '操作规程未及时修订', '作业人员劳动防护用品佩戴不规范'],
  },
  fireworks: {
    major: ['工（库）房实际滞留、存储药量超过核定药量', '工（库）房实际作业人员数量超过核定人数', '作业人员带药检维修设备设施'],
    general: ['工房门窗防护不完善', '安全警示标识不清', '静电释放装置未定期检测'],
  },
  indtrade: {
    major: ['粉尘爆炸危险场所设置在非框架结构的多层建（构）筑物内', '吊运熔融金属的起重机不符合冶金起重机的相关要求',
      '铝加工（深井铸造）企业深井铸造工艺未按要求设置安全联锁和紧急排放装置', '会议室、休息室等人员聚集场所设置在熔融金属吊运跨的地坪区域内'],
    general: ['车间安全通道堆放物料', '有限空间作业审批记录不全', '机械设备防护罩缺失', '除尘器泄爆口朝向人员通道'],
  },
  fire: {
    major: ['人员密集场所的安全出口被封堵、上锁', '未按国家工程建设消防技术标准的规定设置自动喷水灭火系统', '人员密集场所违反消防安全规定使用、储存易燃易爆危险品'],
    general: ['疏散指示标志损坏', '灭火器压力不足', '消防车通道堆放杂物', '电动自行车违规室内充电', '消防设施维护保养记录不全'],
  },
  construction: {
    major: ['超过一定规模的危险性较大的分部分项工程（高支模）专项施工方案未按规定组织专家论证', '深基坑未按规定进行第三方监测',
      '建筑起重机械安装、拆卸未编制专项施工方案'],
    general: ['脚手架连墙件设置不足', '临边防护栏杆缺失', '施工现场材料堆放混乱', '塔式起重机司机交接班记录不全'],
  },
  gas: {
    major: ['燃气管道被建（构）筑物占压', '在不具备安全条件的场所使用、储存液化石油气', '燃气场站安全间距不足'],
    general: ['燃气调压箱锈蚀', '燃气表具超期未更换', '燃气管网巡检记录不全'],
  },
  road: {
    major: ['客运车辆未按规定安装或者使用具有行驶记录功能的卫星定位装置', '使用报废或者擅自改装的车辆从事道路运输', '驾驶员超速、疲劳驾驶未及时纠正'],
    general: ['车辆安全检查记录不全', '驾驶员安全教育培训记录缺失', '车厢内灭火器过期'],
  },
  water_transport: { major: ['渡船超载运输'], general: ['救生衣配备不足'] },
  explosives: { major: ['生产线定员、定量超过规定', '危险品仓库超量储存'], general: ['仓库温湿度记录不全'] },
  special_equipment: { major: ['使用未经检验或者检验不合格的特种设备'], general: ['电梯维保记录不全', '压力容器安全阀超期未校验'] },
  power: { major: ['变电站消防设施失效未采取措施'], general: ['输电线路通道树障'] },
  tourism: { major: ['大型游乐设施未经检验投入使用'], general: ['景区安全警示标识缺失'] },
  campus: { major: ['学生宿舍安全出口上锁'], general: ['实验室危化品台账不全'] },
  catering: { major: ['在地下室使用液化石油气'], general: ['后厨油烟管道未定期清洗'] },
  agriculture: { major: ['渔业船舶未按规定配备救生设备出航'], general: ['拖拉机未按期年检'] },
  water_conservancy: { major: ['水库大坝存在严重渗漏未采取措施'], general: ['水闸启闭设备维护记录不全'] },
  urban_rail: { major: ['盾构区间监测数据超过控制值未处置'], general: ['车站出入口应急照明失效'] },
  other: { major: ['“三合一”场所违规住人'], general: ['临时用电私拉乱接'] },
};

export const ENTERPRISE_SUFFIX: Record<Sector, string> = {
  coal: '煤业有限公司', noncoal: '矿业有限公司', hazchem: '化工有限公司', fireworks: '烟花爆竹有限公司', indtrade: '实业有限公司',
  fire: '商贸广场', construction: '建筑工程有限公司', gas: '燃气有限公司', road: '运输有限公司', water_transport: '航运公司',
  explosives: '民爆器材有限公司', special_equipment: '机械制造有限公司', power: '供电公司', tourism: '旅游开发有限公司',
  campus: '中学', catering: '大酒店', agriculture: '农机专业合作社', water_conservancy: '水利工程管理站', urban_rail: '轨道交通集团有限公司',
  other: '物流有限公司',
};

export const FIRM_WORDS = ['鑫源', '华晋', '金泰', '宏达', '兴盛', '永安', '晋丰', '恒通', '瑞丰', '三元', '龙泉', '国泰', '汇能', '新峰'];
