/** Messages of /hazards and /import (Chinese first; English at ?lang=en). Merged in i18n/index.ts. */
export const hazardsZh = {
  ledgerNav: { wall: '综合大屏', hazards: '隐患台账', import: '批量导入', briefing: '简报', scope: '{name} · {region}' },
  hazards: {
    title: '隐患台账',
    filters: {
      region: '地区', sector: '行业领域', level: '隐患级别', status: '状态', overdue: '逾期未整改', listed: '挂牌督办',
      all: '全部', allIn: '全部（{name}）', yes: '是', no: '否', reset: '重置',
    },
    export: { csv: '导出 CSV', xlsx: '导出 Excel', hint: '按当前筛选条件导出全部记录，表头与导入模板相同' },
    col: {
      id: '隐患编号', region: '所属地区', sector: '行业领域', level: '级别', title: '隐患名称', enterprise: '企业（单位）',
      status: '状态', deadline: '整改期限', flags: '标记', discoveredAt: '发现时间',
    },
    overdue: '逾期', listed: '{by}挂牌', by: { province: '省级', city: '市级', county: '县级' },
    empty: '没有符合条件的隐患',
    loading: '加载中…',
    failed: '加载失败：{msg}',
    pager: { prev: '上一页', next: '下一页', page: '第 {n} 页', count: '本页 {n} 条', size: '每页 {n} 条' },
    drawer: {
      close: '关闭', history: '处置记录', description: '隐患描述', enterprise: '企业（单位）名称', creditCode: '统一社会信用代码',
      source: '隐患来源', discoveredAt: '发现时间', reportedAt: '上报时间', deadline: '整改期限', extensions: '延期次数',
      linkedTo: '关联隐患', region: '所属地区', none: '—', recorded: '记录于 {time}', by: '{name}（{role}）',
    },
    kind: {
      reported: '上报登记', transition: '状态变更', escalationUp: '升级为重大隐患', escalationDown: '降级为一般隐患',
      listing: '挂牌督办', extension: '延长整改期限',
    },
    detail: {
      reportedAs: '登记为{level}', deadline: '整改期限 {d}', move: '{from} → {to}', note: '说明：{text}',
      document: '文号：{text}', reason: '理由：{text}', previous: '原为{by}挂牌',
    },
    role: { admin: '管理员', reporter: '填报人员', viewer: '查看人员', display: '大屏终端' },
  },
  import: {
    title: '批量导入隐患台账',
    intro: '上传按模板填写的 Excel（.xlsx）或 CSV 文件。每一行单独校验：有效的行直接登记，有误的行列出行号、列名和原因；同一文件重复导入不会重复登记。',
    template: '下载导入模板',
    formats: '支持 .xlsx 与 .csv（UTF-8 或 GBK/GB18030 编码），单个文件不超过 50 MB，两万行以内数秒完成。',
    choose: '选择文件',
    drop: '将文件拖到此处，或点击选择',
    start: '开始导入',
    again: '导入其他文件',
    uploading: '正在上传 {p}%',
    phase: { processing: '上传完成，服务器正在校验并登记…', done: '导入完成', failed: '导入未完成', idle: '' },
    readonly: '当前账号为只读账号，不能导入。',
    failed: '导入失败：{msg}',
    summary: {
      title: '导入结果', rows: '读取行数', accepted: '新登记', duplicates: '重复（已登记）', rejected: '未导入',
      format: '文件：{name}（{format}{encoding}）', ignored: '以下列不在模板中，未导入：{cols}', allGood: '全部行已处理，没有错误。',
      truncated: '未导入的行共 {n} 行，下面仅列出前 {shown} 行；请改正后重新导入。',
    },
    rejected: {
      title: '未导入的行', row: '行号', column: '列', id: '隐患编号', reason: '原因', download: '下载未导入的行（CSV）',
      downloadHint: '按模板列排列，附错误原因；改正后可直接重新导入',
      more: '第 {from}–{to} 条，共 {n} 条',
    },
  },
} as const;

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

export const hazardsEn: Shape<typeof hazardsZh> = {
  ledgerNav: { wall: 'Wall', hazards: 'Hazard ledger', import: 'Import', briefing: 'Briefing', scope: '{name} · {region}' },
  hazards: {
    title: 'Hazard ledger',
    filters: {
      region: 'Region', sector: 'Sector', level: 'Level', status: 'Status', overdue: 'Overdue', listed: 'Listed',
      all: 'All', allIn: 'All ({name})', yes: 'Yes', no: 'No', reset: 'Reset',
    },
    export: { csv: 'Export CSV', xlsx: 'Export Excel', hint: 'Exports every record matching the filters, with the import template headers' },
    col: {
      id: 'ID', region: 'Region', sector: 'Sector', level: 'Level', title: 'Title', enterprise: 'Enterprise',
      status: 'Status', deadline: 'Deadline', flags: 'Flags', discoveredAt: 'Discovered',
    },
    overdue: 'Overdue', listed: 'Listed ({by})', by: { province: 'province', city: 'city', county: 'county' },
    empty: 'No hazard matches the filters',
    loading: 'Loading…',
    failed: 'Could not load: {msg}',
    pager: { prev: 'Previous', next: 'Next', page: 'Page {n}', count: '{n} on this page', size: '{n} per page' },
    drawer: {
      close: 'Close', history: 'History', description: 'Description', enterprise: 'Enterprise', creditCode: 'Credit code',
      source: 'Source', discoveredAt: 'Discovered', reportedAt: 'Reported', deadline: 'Deadline', extensions: 'Extensions',
      linkedTo: 'Linked hazard', region: 'Region', none: '—', recorded: 'recorded {time}', by: '{name} ({role})',
    },
    kind: {
      reported: 'Reported', transition: 'Status change', escalationUp: 'Escalated to major', escalationDown: 'Lowered to general',
      listing: 'Supervised listing', extension: 'Deadline extended',
    },
    detail: {
      reportedAs: 'registered as {level}', deadline: 'deadline {d}', move: '{from} → {to}', note: 'Note: {text}',
      document: 'Document: {text}', reason: 'Reason: {text}', previous: 'previously listed by {by}',
    },
    role: { admin: 'admin', reporter: 'reporter', viewer: 'viewer', display: 'display' },
  },
  import: {
    title: 'Import a hazard ledger',
    intro: 'Upload an Excel (.xlsx) or CSV file laid out as the template. Each row is checked on its own: valid rows are registered, bad rows are listed with row, column and reason; importing the same file again registers nothing twice.',
    template: 'Download the template',
    formats: '.xlsx and .csv (UTF-8 or GBK/GB18030), up to 50 MB; 20,000 rows take seconds.',
    choose: 'Choose a file',
    drop: 'Drop the file here, or click to choose',
    start: 'Import',
    again: 'Import another file',
    uploading: 'Uploading {p}%',
    phase: { processing: 'Uploaded; the server is checking and registering…', done: 'Done', failed: 'Not completed', idle: '' },
    readonly: 'This token is read-only and cannot import.',
    failed: 'Import failed: {msg}',
    summary: {
      title: 'Result', rows: 'Rows read', accepted: 'Registered', duplicates: 'Duplicates', rejected: 'Not imported',
      format: 'File: {name} ({format}{encoding})', ignored: 'Columns not in the template, not imported: {cols}', allGood: 'Every row was processed without error.',
      truncated: '{n} rows were not imported; only the first {shown} are listed. Fix them and import again.',
    },
    rejected: {
      title: 'Rows not imported', row: 'Row', column: 'Column', id: 'ID', reason: 'Reason', download: 'Download rejected rows (CSV)',
      downloadHint: 'In the template layout with the reasons; fix and import again',
      more: '{from}–{to} of {n}',
    },
  },
};
