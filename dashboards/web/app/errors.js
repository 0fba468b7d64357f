// The gateway answers every refusal with RFC 9457 problem details and a stable `code`; the person reads it
// in the view's language. `detail` (English, for integrators and logs) is kept as the tooltip.
import { lang } from './i18n.js';

const messages = {
  // ASP.NET's own answers
  bad_request: ['请求无效', 'The request is not valid'],
  invalid_body: ['提交的内容格式不正确', 'What was sent has the wrong form'],
  invalid_request: ['请求无效', 'The request is not valid'],
  unauthorized: ['请先登录（或会话已过期）', 'Sign in first (or the session has ended)'],
  forbidden: ['当前账号无权执行此操作', 'Your account may not do this'],
  not_found: ['未找到，或无权查看', 'Not found, or not visible to you'],
  method_not_allowed: ['不支持此操作', 'This is not supported here'],
  conflict: ['当前状态下无法执行', 'Not possible in the current state'],
  too_large: ['提交的内容过大', 'What was sent is too large'],
  unsupported_media_type: ['提交格式不受支持', 'Unsupported format'],
  too_many_requests: ['操作过于频繁，请稍后再试', 'Too many attempts; try again shortly'],
  internal_error: ['网关内部错误，请联系管理员', 'The gateway failed; tell the administrator'],
  // the gateway's own rules
  credentials_required: ['请输入账号和密码', 'Enter username and password'],
  password_length: ['密码长度须为 10–256 个字符', 'The password must have 10–256 characters'],
  wrong_password: ['当前密码错误', 'The current password is wrong'],
  unknown_person: ['没有此人员', 'No such person'],
  invalid_person: ['人员信息有误', 'The person\'s details are not valid'],
  cannot_delete_self: ['不能删除自己的账号', 'You cannot delete your own account'],
  invalid_cell: ['网格信息有误', 'The grid cell is not valid'],
  cell_in_use: ['该网格仍在使用中', 'The grid cell is still in use'],
  invalid_level: ['预警等级无效', 'Unknown alert level'],
  invalid_state: ['预警状态无效', 'Unknown alert state'],
  note_required: ['请填写处置说明', 'Say what was done'],
  note_too_long: ['说明过长', 'The note is too long'],
  alert_not_actionable: ['该预警已处置、已撤销或不在您的网格内', 'The alert is closed, cancelled or not in your cells'],
  invalid_silence: ['静默设置有误：需填写对象、时长和原因', 'A silence needs a source, a duration and a reason'],
  silence_not_possible: ['现在无法设置静默', 'Cannot silence now'],
  invalid_seconds: ['时间范围无效', 'The time range is not valid'],
  invalid_device: ['设备信息有误', 'The device\'s details are not valid'],
  invalid_notice: ['泄洪通知内容有误', 'The discharge notice is not valid'],
  invalid_reservoir: ['水库信息有误', 'The reservoir\'s details are not valid'],
  invalid_spot: ['水域信息有误', 'The spot\'s details are not valid'],
  invalid_filter: ['筛选条件有误', 'The filter is not valid'],
  invalid_camera: ['摄像机信息有误', 'The camera\'s details are not valid'],
  invalid_regions: ['区域或计数线有误（区域至少三个点且有面积，计数线两端须分开、“进入”一侧不能在线上，名称 1–100 个字符）', 'A zone or line is not valid (a zone needs three or more points and an area; a line needs two distinct ends and an in-side off the line; names 1–100 characters)'],
  unknown_alert: ['没有此预警', 'No such alert'],
  unknown_camera: ['没有此摄像机', 'No such camera'],
  no_footage_evidence: ['该预警没有录像证据', 'The alert has no footage'],
  invalid_clip: ['导出片段的时间范围有误', 'The clip\'s range is not valid'],
  invalid_range: ['时间范围有误', 'The time range is not valid'],
  no_footage: ['该时段无录像', 'No footage in this range'],
  invalid_chart_query: ['图表查询有误', 'The chart query is not valid'],
  invalid_shelter: ['避难所信息有误', 'The shelter\'s details are not valid'],
  open_required: ['请选择开放或关闭', 'Choose open or closed'],
  invalid_occupants: ['在场人数须为 0 至容量之间的整数', 'The headcount must be a whole number up to the capacity'],
  invalid_arrival: ['人数或批次有误', 'The number of people is not valid'],
  live_unavailable: ['摄像机实时画面暂不可用', 'The camera\'s live picture is not available'],
  live_codec_unsupported: ['该视频编码无法在浏览器中实时播放（请使用子码流）', 'This video codec cannot play live in a browser (use the sub stream)'],
  live_timeout: ['摄像机未及时送出画面', 'The camera sent no picture in time'],
  invalid_stream: ['码流须为主码流或子码流', 'The stream must be main or sub'],
  from_required: ['请给出出发的避难所或位置', 'Give a shelter or a position to start from'],
  // GB/T 28181 devices (PTZ, device recordings, catalog on demand)
  unknown_device: ['没有这台设备', 'No such device'],
  unknown_channel: ['不是国标（GB/T 28181）通道', 'Not a GB/T 28181 channel'],
  device_offline: ['设备当前未注册（离线）', 'The device is not registered now (offline)'],
  device_no_answer: ['设备未响应查询', 'The device did not answer the query'],
  catalog_timeout: ['设备未在 30 秒内送完目录', 'The device sent no complete catalog within 30 s'],
  invalid_ptz: ['云台指令无效', 'The PTZ command is not valid'],
};

// Fields the gateway names in `errors`, as the forms label them.
const fieldLabels = {
  flowM3s: ['流量', 'flow'],
  durationMinutes: ['持续时间', 'duration'],
  gateOpenAt: ['开闸时间', 'gate opening'],
  reservoirId: ['水库', 'reservoir'],
  note: ['说明', 'note'],
  reason: ['原因', 'reason'],
  minutes: ['时长', 'duration'],
  source: ['对象', 'source'],
  password: ['密码', 'password'],
  occupants: ['在场人数', 'headcount'],
};

/** The person's message for a problem body (or null when it is not one). */
export function problemMessage(problem, status) {
  const en = lang() === 'en';
  const pair = messages[problem?.code] ?? null;
  if (pair) {
    const fields = Object.keys(problem.errors ?? {}).map(f => fieldLabels[f]?.[en ? 1 : 0] ?? f);
    return pair[en ? 1 : 0] + (fields.length ? (en ? ': ' + fields.join(', ') : '：' + fields.join('、')) : '');
  }
  if (problem?.detail) return problem.detail;
  return status ? (en ? `Error ${status}` : `错误 ${status}`) : null;
}
