// Chinese first (the people who sit a shift in front of this read Chinese), English switchable; the choice is
// kept in the browser.
const texts = {
  appTitle: ['智慧社区 安全值守', 'SmartCommunity safety desk'],
  signIn: ['登录', 'Sign in'],
  signOut: ['退出', 'Sign out'],
  username: ['账号', 'Username'],
  password: ['密码', 'Password'],
  badLogin: ['账号或密码错误', 'Wrong username or password'],
  language: ['English', '中文'],
  languageLabel: ['切换为英文', 'Switch to Chinese'],
  connLive: ['实时连接正常', 'Live'],
  connConnecting: ['正在连接…', 'Connecting…'],
  connLost: ['连接中断，正在自动重连…', 'Connection lost — reconnecting by itself…'],
  viewGuard: ['网格员', 'Guard'],
  viewEmergency: ['应急指挥', 'Emergency'],
  viewWater: ['水务', 'Water authority'],
  viewSecurity: ['公安', 'Public security'],
  noView: ['此账号没有可用的视图', 'No view for this account'],
  loading: ['加载中…', 'Loading…'],
  loadFailed: ['加载失败', 'Could not load'],
  retry: ['重试', 'Retry'],
  notAvailable: ['该功能的接口尚未提供', 'This feature\'s API is not available yet'],
  // alerts
  alerts: ['预警', 'Alerts'],
  activeAlerts: ['当前预警', 'Active alerts'],
  myAlerts: ['我的预警', 'My alerts'],
  noAlerts: ['暂无预警', 'No alerts'],
  acknowledge: ['确认收到', 'Acknowledge'],
  resolve: ['处置完毕', 'Resolve'],
  resolveNote: ['处置说明（必填）', 'What was done (required)'],
  confirmResolve: ['提交处置', 'Submit'],
  confirmResolveAlert: ['将预警“{title}”标记为处置完毕？所有人的预警列表中将不再显示。', 'Mark “{title}” as resolved? It leaves everyone\'s list of alerts.'],
  cancel: ['取消', 'Cancel'],
  raisedAt: ['发生时间', 'Raised'],
  ackBy: ['确认人', 'Acknowledged by'],
  someone: ['（未知人员）', '(unknown person)'],
  place: ['地点', 'Place'],
  evidence: ['证据', 'Evidence'],
  snapshot: ['抓拍', 'Snapshot'],
  silencedBadge: ['已静默（维护中，不通知）', 'Silenced (maintenance: no one is notified)'],
  footage: ['录像', 'Footage'],
  reading: ['读数', 'Reading'],
  wayThere: ['前往路线', 'The way there'],
  openMap: ['在地图应用中打开', 'Open in the map app'],
  count: ['次数', 'Count'],
  state_raised: ['待处理', 'Raised'],
  state_acknowledged: ['已确认', 'Acknowledged'],
  state_resolved: ['已处置', 'Resolved'],
  state_cancelled: ['已撤销', 'Cancelled'],
  level_red: ['红色 Ⅰ级', 'Red · I'],
  level_orange: ['橙色 Ⅱ级', 'Orange · II'],
  level_yellow: ['黄色 Ⅲ级', 'Yellow · III'],
  level_blue: ['蓝色 Ⅳ级', 'Blue · IV'],
  level_none: ['无风险', 'No risk'],
  // site plan, shelters
  sitePlan: ['社区平面图', 'Site plan'],
  planLegend: ['图例：水滴 危险水域（附风险等级）· 三角 避难所 · 方块 设备 · 圆环 预警（附等级与数量）· 圆 网格', 'Legend: drop = hazardous spot (with risk) · triangle = shelter · square = device · ring = alerts (level and count) · circle = grid cell'],
  shelters: ['应急避难场所', 'Emergency shelters'],
  occupancy: ['在场人数', 'Occupancy'],
  capacity: ['容量', 'Capacity'],
  open: ['开放', 'Open'],
  closed: ['关闭', 'Closed'],
  openShelter: ['开放避难所', 'Open shelter'],
  closeShelter: ['关闭避难所', 'Close shelter'],
  redirect: ['分流建议', 'Redirect suggestion'],
  doorEvents: ['出入口计数', 'Entrance counts'],
  doorLog: ['门禁事件', 'Door events'],
  in: ['进', 'in'],
  out: ['出', 'out'],
  onFallback: ['备用计数源', 'on fallback source'],
  free: ['空位', 'free'],
  noRedirect: ['附近无空余避难所', 'No open shelter with free places nearby'],
  shelterFull: ['已满', 'full'],
  shelterHigh: ['接近满员', 'nearly full'],
  // water
  spots: ['危险水域', 'Hazardous spots'],
  level: ['水位', 'Level'],
  rise: ['涨速', 'Rise'],
  thresholds: ['阈值', 'Thresholds'],
  normal: ['常水位', 'normal'],
  warning: ['警戒', 'warning'],
  danger: ['危险', 'danger'],
  risk: ['风险', 'Risk'],
  reasons: ['原因', 'Reasons'],
  peopleInZone: ['危险区人数', 'People in zone'],
  wave: ['泄洪波', 'Discharge wave'],
  wave_none: ['无', 'none'],
  wave_approaching: ['将至', 'approaching'],
  wave_atspot: ['到达', 'at the spot'],
  reservoirs: ['水库', 'Reservoirs'],
  reach: ['河段', 'Reach'],
  travel: ['传播时间', 'Travel time'],
  noticeForm: ['泄洪通知', 'Discharge notice'],
  reservoir: ['水库', 'Reservoir'],
  gateOpenAt: ['开闸时间', 'Gate opens at'],
  flow: ['流量 (m³/s)', 'Flow (m³/s)'],
  duration: ['持续 (分钟)', 'Duration (minutes)'],
  preview: ['预览预警', 'Preview warnings'],
  issue: ['发布通知', 'Issue notice'],
  amend: ['修改通知', 'Amend notice'],
  cancelNotice: ['撤销通知', 'Cancel notice'],
  editNotice: ['修改', 'Edit'],
  previewTitle: ['将发出的预警', 'Warnings that will be sent'],
  spot: ['水域', 'Spot'],
  arrivesAt: ['到达时间', 'Arrives'],
  passedAt: ['退去时间', 'Passes'],
  warnings: ['预警', 'Warnings'],
  notices: ['已发布通知', 'Notices'],
  noNotices: ['暂无通知', 'No notices'],
  timeline: ['时间线', 'Timeline'],
  commands: ['设备指令', 'Device commands'],
  issued: ['已发布', 'Issued'],
  state_active: ['生效中', 'active'],
  state_passed: ['已结束', 'passed'],
  state_preview: ['预览', 'preview'],
  step_notice: ['通知即发', 'at notice'],
  step_amendment: ['变更即发', 'at amendment'],
  step_arrival: ['到达时', 'at arrival'],
  step_lead: ['提前 {m} 分钟', '{m} min before'],
  chartNoData: ['暂无读数', 'No readings yet'],
  chartUnavailable: ['图表库未安装（npm ci）', 'Chart library missing (npm ci)'],
  hours6: ['近 6 小时', 'last 6 hours'],
  // security
  cameras: ['视频监控', 'Cameras'],
  online: ['在线', 'online'],
  offline: ['离线', 'offline'],
  unknown: ['状态未知', 'state unknown'],
  notForVideo: ['未登记视频流（仅设备在线状态）', 'No video stream registered (device presence only)'],
  lastSeen: ['最后在线', 'last seen'],
  footageSearch: ['录像检索', 'Footage search'],
  camera: ['摄像机', 'Camera'],
  from: ['开始', 'From'],
  to: ['结束', 'To'],
  search: ['检索', 'Search'],
  play: ['播放', 'Play'],
  exportClip: ['导出片段', 'Export clip'],
  clipReady: ['片段已导出', 'Clip ready'],
  clip_queued: ['排队中', 'queued'],
  clip_running: ['正在生成', 'being cut'],
  clip_ready: ['已完成', 'ready'],
  clip_failed: ['失败', 'failed'],
  segments: ['个录像分段', 'segments'],
  events: ['事件时间线', 'Event timeline'],
  noSnapshot: ['暂无抓拍', 'No snapshot yet'],
  live: ['实时', 'Live'],
  liveConnecting: ['正在连接实时画面…', 'Connecting to the live picture…'],
  liveFailed: ['实时画面中断，正在重连', 'Live picture lost, reconnecting'],
  liveUnsupported: ['此浏览器无法播放该视频编码', 'This browser cannot play this video codec'],
  liveView: ['实时画面', 'Live view'],
  openCamera: ['查看大画面', 'Open large view'],
  close: ['关闭', 'Close'],
  lastMinutes: ['回看最近 5 分钟', 'Last 5 minutes of footage'],
  backToLive: ['返回实时', 'Back to live'],
  cameraEvents: ['该摄像机的事件', 'This camera\'s events'],
  noFootage: ['该时段无录像', 'No footage in this range'],
  playbackFailed: ['无法播放', 'Playback failed'],
  required: ['必填', 'required'],
  confirm: ['确定', 'Confirm'],
  noteWhy: ['说明（原因）', 'Note (why)'],
  noteRequired: ['请填写说明', 'Write a note'],
};

/** More texts (a view's own), as { key: [zh, en] }. */
export function addTexts(more) { Object.assign(texts, more); }

const listeners = new Set();
let current = localStorage.getItem('sc-lang') === 'en' ? 'en' : 'zh';

export function lang() { return current; }

export function setLang(value) {
  current = value === 'en' ? 'en' : 'zh';
  localStorage.setItem('sc-lang', current);
  document.documentElement.lang = current === 'en' ? 'en' : 'zh-CN';
  for (const listener of listeners) listener(current);
}

export function onLangChange(listener) { listeners.add(listener); return () => listeners.delete(listener); }

/** t('step_lead', {m: 30}) */
export function t(key, vars) {
  const pair = texts[key];
  let text = pair ? pair[current === 'en' ? 1 : 0] : key;
  for (const [name, value] of Object.entries(vars ?? {})) text = text.replaceAll('{' + name + '}', String(value));
  return text;
}

/** A {zh, en} text from the gateway (alert titles and texts) in the current language. */
export function pick(bilingual) {
  if (!bilingual) return '';
  return (current === 'en' ? bilingual.en || bilingual.zh : bilingual.zh || bilingual.en) ?? '';
}

/** Registry names are written "中文 English": show the part of the current language when there is one. */
export function name(text) {
  if (!text) return '';
  const match = /^([^A-Za-z]*[\u3400-\u9fff][^A-Za-z]*?)\s+([A-Za-z].*)$/.exec(text);
  if (!match) return text;
  return current === 'en' ? match[2] : match[1].trim();
}

document.documentElement.lang = current === 'en' ? 'en' : 'zh-CN';
