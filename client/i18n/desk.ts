/** The desk's words: sign-in, my queue, the report form and the drawer's actions (Chinese first, English second). */
export const deskZh = {
  desk: {
    title: '隐患工作台',
    login: {
      heading: '登录隐患工作台', username: '用户名', password: '密码', submit: '登录', busy: '正在登录…',
      invalid: '用户名或密码错误', locked: '失败次数过多，请 {s} 秒后再试', failed: '登录失败：{msg}',
      change: '首次登录请修改密码', current: '当前密码（一次性密码）', next: '新密码（至少 10 位）', save: '保存新密码',
      wrongCurrent: '当前密码不正确',
    },
    nav: { queue: '我的待办', report: '上报隐患', ledger: '隐患台账', wall: '大屏', logout: '退出登录' },
    queue: {
      heading: '我的待办', empty: '暂无', overdue: '逾期未整改', dueSoon: '3 天内到期', acceptance: '待我验收', listedAbove: '上级挂牌督办',
      planMissing: '五落实缺项', deadline: '期限 {d}', act: '办理', accept: '去验收', rectify: '去整改', loading: '正在加载…',
      unauthorized: '请先登录', listedBy: '{by}挂牌',
    },
    report: {
      heading: '上报隐患', title: '隐患名称', sector: '行业领域', region: '所在地区', level: '隐患级别', deadline: '整改期限',
      discoveredAt: '发现时间', source: '隐患来源', description: '隐患描述（可选）', submit: '上报', busy: '正在上报…',
      done: '已上报：{id}', pick: '请选择', more: '更多信息（可选）',
    },
    action: {
      heading: '可办理事项', none: '您对该隐患暂无可办理事项', submit: '提交', cancel: '取消', busy: '正在提交…', done: '已办理',
      plan: '制定整改方案（五落实）', rectified: '标记已整改（附佐证）', accept: '验收通过并销号', fail: '验收不通过', reject: '经核查不属实（含重复）',
      escalate: '升级为重大隐患', downgrade: '降为一般隐患', list: '挂牌督办', lift: '摘牌', extend: '延期', evidence: '上传佐证材料',
      responsible: '责任人', measures: '整改措施', funds: '整改资金', planDeadline: '整改时限', contingency: '应急预案',
      opinion: '验收意见', reason: '理由', note: '说明', newDeadline: '新的整改期限', by: '挂牌级别', document: '督办文号（可选）',
      file: '佐证文件（JPEG、PNG 或 PDF，不超过 10 MB）', uploaded: '已上传 {name}（SHA-256 {sha}）',
      planMissing: '五落实缺项：该重大隐患整改中但未录入整改方案',
    },
    field: {
      required: '必填', tooLong: '内容过长', future: '不能晚于现在', deadlineRequired: '重大隐患必须填写整改期限',
      beforeDiscovery: '不能早于发现时间', unknownRegion: '行政区划代码无效', outOfScope: '超出您的管辖范围', invalidDate: '日期格式应为 年-月-日',
      exists: '该编号已存在', invalidTime: '时间格式无效',
    },
    by: { province: '省级', city: '市级', county: '县级' },
    flag: { planMissing: '五落实缺项', count: '五落实缺项 {n}', countMore: '五落实缺项 {n}+', hint: '重大隐患整改中但未录入整改方案（责任、措施、资金、时限、预案）' },
    evidence: '佐证：{name}',
    history: { delisting: '摘牌', evidence: '上传整改佐证' },
  },
};

export const deskEn: typeof deskZh = {
  desk: {
    title: 'Hazard desk',
    login: {
      heading: 'Sign in to the hazard desk', username: 'Username', password: 'Password', submit: 'Sign in', busy: 'Signing in…',
      invalid: 'Wrong username or password', locked: 'Too many failed attempts; retry in {s} s', failed: 'Sign-in failed: {msg}',
      change: 'First sign-in: choose a new password', current: 'Current (one-time) password', next: 'New password (10+ characters)', save: 'Save new password',
      wrongCurrent: 'The current password is not right',
    },
    nav: { queue: 'My queue', report: 'Report', ledger: 'Ledger', wall: 'Wall', logout: 'Sign out' },
    queue: {
      heading: 'My queue', empty: 'Nothing', overdue: 'Overdue', dueSoon: 'Due within 3 days', acceptance: 'Waiting for my acceptance',
      listedAbove: 'Listed by a higher level', planMissing: 'Plan missing (五落实)', deadline: 'due {d}', act: 'Act', accept: 'Accept',
      rectify: 'Rectify', loading: 'Loading…', unauthorized: 'Please sign in', listedBy: 'listed by the {by}',
    },
    report: {
      heading: 'Report a hazard', title: 'Title', sector: 'Sector', region: 'Region', level: 'Level', deadline: 'Deadline',
      discoveredAt: 'Found at', source: 'Source', description: 'Description (optional)', submit: 'Report', busy: 'Reporting…',
      done: 'Reported: {id}', pick: 'Choose', more: 'More (optional)',
    },
    action: {
      heading: 'Actions', none: 'No action of yours applies to this hazard', submit: 'Submit', cancel: 'Cancel', busy: 'Submitting…', done: 'Done',
      plan: 'Rectification plan (五落实)', rectified: 'Mark rectified (with evidence)', accept: 'Accept and close', fail: 'Fail acceptance', reject: 'Found false or duplicate',
      escalate: 'Escalate to major', downgrade: 'Downgrade to general', list: 'List for supervision', lift: 'Lift the listing', extend: 'Extend', evidence: 'Upload evidence',
      responsible: 'Responsible', measures: 'Measures', funds: 'Funds', planDeadline: 'Plan deadline', contingency: 'Contingency plan',
      opinion: 'Opinion', reason: 'Reason', note: 'Note', newDeadline: 'New deadline', by: 'Listing level', document: 'Document no. (optional)',
      file: 'Evidence (JPEG, PNG or PDF, up to 10 MB)', uploaded: 'Uploaded {name} (SHA-256 {sha})',
      planMissing: 'Plan missing: this major hazard is in rectification without a 五落实 plan',
    },
    field: {
      required: 'Required', tooLong: 'Too long', future: 'Cannot be in the future', deadlineRequired: 'A major hazard needs a deadline',
      beforeDiscovery: 'Cannot be before discovery', unknownRegion: 'Unknown region code', outOfScope: 'Outside your scope', invalidDate: 'Use YYYY-MM-DD',
      exists: 'This id exists already', invalidTime: 'Invalid time',
    },
    by: { province: 'province', city: 'city', county: 'county' },
    flag: { planMissing: 'Plan missing', count: 'Plan missing: {n}', countMore: 'Plan missing: {n}+', hint: 'Major hazards in rectification without a 五落实 plan (responsible, measures, funds, deadline, contingency)' },
    evidence: 'Evidence: {name}',
    history: { delisting: 'Listing lifted', evidence: 'Evidence uploaded' },
  },
};
