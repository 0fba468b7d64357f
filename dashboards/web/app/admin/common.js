import { h, fill } from '../dom.js';
import { addTexts, name, t } from '../i18n.js';

// What every admin section shares: words for roles, duties and kinds (never the wire names), the outcome line
// (green when done, red with the gateway's translated reason), and the form fields the gateway named in `errors`.
addTexts({
  viewAdmin: ['系统管理', 'Administration'],
  tabPeople: ['人员', 'People'],
  tabDevices: ['设备', 'Devices'],
  tabCameras: ['摄像机', 'Cameras'],
  tabSpots: ['危险水域', 'Water spots'],
  tabShelters: ['避难所', 'Shelters'],
  colName: ['名称', 'Name'],
  colRole: ['角色', 'Role'],
  colDuty: ['职责', 'Duty'],
  colCells: ['负责网格', 'Cells'],
  colCell: ['所在网格', 'Cell'],
  colState: ['状态', 'State'],
  colKind: ['类型', 'Kind'],
  colActions: ['操作', 'Actions'],
  fieldId: ['编号（登录名 / 国标编码）', 'ID (login name / GB code)'],
  fieldPhone: ['电话', 'Phone'],
  fieldPassword: ['密码（至少 10 位；留空则不变）', 'Password (10+ characters; empty keeps it)'],
  add: ['新增', 'Add'],
  edit: ['编辑', 'Edit'],
  save: ['保存', 'Save'],
  saved: ['已保存', 'Saved'],
  deleted: ['已删除', 'Deleted'],
  remove: ['删除', 'Delete'],
  disable: ['停用', 'Disable'],
  enable: ['启用', 'Enable'],
  enabled: ['启用中', 'enabled'],
  disabled: ['已停用', 'disabled'],
  role_admin: ['系统管理员', 'Administrator'],
  'role_public-security': ['公安', 'Public security'],
  role_emergency: ['应急指挥', 'Emergency'],
  'role_water-authority': ['水务', 'Water authority'],
  role_guard: ['网格员', 'Guard'],
  duty_Guard: ['网格员', 'Guard'],
  duty_GridChief: ['网格长', 'Grid chief'],
  duty_Community: ['社区工作人员', 'Community staff'],
  duty_Staff: ['职能部门', 'Agency staff'],
  kind_camera: ['摄像机', 'Camera'],
  'kind_water-level': ['水位站', 'Water-level station'],
  'kind_door-access': ['门禁', 'Door unit'],
  'kind_warning-device': ['预警广播 / 警报器', 'Loudspeaker / siren'],
  confirmDisablePerson: ['停用 {name}？其已登录的会话会立即失效。', 'Disable {name}? Their open sessions end at once.'],
  confirmDeletePerson: ['删除人员 {name}？此操作不可撤销。', 'Delete {name}? This cannot be undone.'],
  confirmDeleteDevice: ['删除设备 {name}？它将无法再连接网关。', 'Delete the device {name}? It can no longer connect.'],
  confirmDisableDevice: ['停用设备 {name}？它将无法再连接网关。', 'Disable the device {name}? It can no longer connect.'],
  confirmRotate: ['为 {name} 重新生成密钥？旧密钥立即失效，设备需写入新密钥。', 'Issue a new secret for {name}? The old one stops working at once.'],
  confirmDeleteCamera: ['删除摄像机 {name}？录像将停止（已有录像保留至到期）。', 'Delete the camera {name}? Recording stops (footage is kept until it expires).'],
  confirmDeleteShelter: ['删除避难所 {name}？', 'Delete the shelter {name}?'],
  confirmDeleteSpot: ['删除危险水域 {name}？其预警将停止。', 'Delete the spot {name}? Its warnings stop.'],
  confirmHeadcount: ['将 {name} 的在场人数改为 {n}？', 'Set {name}\'s headcount to {n}?'],
  rotateSecret: ['重新生成密钥', 'New secret'],
  secretOnce: ['设备密钥（只显示这一次，请立即写入设备）：', 'Device secret (shown this once only; put it into the device now):'],
  fieldKind: ['设备类型', 'Kind'],
  fieldMainUrl: ['主码流地址（rtsp://…）', 'Main stream URL (rtsp://…)'],
  fieldSubUrl: ['子码流地址（可选）', 'Sub stream URL (optional)'],
  fieldUser: ['摄像机账号（只写）', 'Camera username (write-only)'],
  fieldCamPassword: ['摄像机密码（只写）', 'Camera password (write-only)'],
  fieldRecording: ['录像', 'Record'],
  hasCredentials: ['已设置账号密码', 'credentials set'],
  fieldCapacity: ['容量（人）', 'Capacity (people)'],
  fieldOccupants: ['在场人数', 'Headcount'],
  correctHeadcount: ['更正人数', 'Correct headcount'],
  fieldWarning: ['警戒水位（米）', 'Warning level (m)'],
  fieldDanger: ['危险水位（米）', 'Danger level (m)'],
  openState: ['开放', 'open'],
  closedState: ['关闭', 'closed'],
  onlineNow: ['在线', 'online'],
  offlineNow: ['离线', 'offline'],
  neverSeen: ['从未连接', 'never connected'],
  clockWrong: ['时钟异常', 'Clock wrong'],
  clockRightSince: ['时钟自 {time} 起正常', 'clock right since {time}'],
  clockAhead: ['快 {amount}', '{amount} fast'],
  clockBehind: ['慢 {amount}', '{amount} slow'],
  clockKept: ['设备时间 {time}；{n} 条数据按接收时间记录', 'device time {time}; {n} messages kept with the receive time'],
  clockSummary: ['{n} 台设备时钟异常（其数据按接收时间记录，请校准设备时钟）：{names}', '{n} devices with a wrong clock (their data is kept with the receive time; set the device clock): {names}'],
  spanDays: ['{n} 天', '{n} days'],
  spanHours: ['{n} 小时', '{n} hours'],
  spanMinutes: ['{n} 分钟', '{n} minutes'],
});

/** A role, duty or device kind in words. */
export const word = (prefix, value) => { const key = `${prefix}_${value}`; const text = t(key); return text === key ? value : text; };

/** Names of cells, for a list of IDs. */
export const cellNames = (cells, ids) => (ids ?? []).map(id => name(cells.get(id)?.name ?? id)).join('、');

/** The outcome line: green when done, red with the translated reason; fields the gateway named get marked. */
export function outcome(line, form, error, okText) {
  form?.querySelectorAll('.field-error').forEach(el => el.classList.remove('field-error'));
  if (!error) { line.dataset.outcome = 'ok'; fill(line, okText); return; }
  line.dataset.outcome = 'error';
  fill(line, error.message);
  if (error.detail) line.title = error.detail;
  for (const field of Object.keys(error.fields ?? {})) {
    form?.querySelector(`[name="${CSS.escape(field.split('.')[0])}"]`)?.classList.add('field-error');
  }
}

/** A labelled input: field('name', t('colName'), input). */
export function field(label, input) { return h('label', {}, label, input); }

/** A select of cells by name. */
export function cellSelect(cells, value, attrs = {}) {
  return h('select', { name: 'cellId', ...attrs }, [...cells.values()].map(c => h('option', { value: c.id, selected: c.id === value }, name(c.name))));
}
