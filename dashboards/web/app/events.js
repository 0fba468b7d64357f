import { addTexts, name, t } from './i18n.js';

// Event types in words, never the wire's names (protocol EventTypes): door units' and cameras'. A type this
// dashboard does not know yet reads as a door or camera event, not as its code.
addTexts({
  evt_passage: ['通行', 'Passage'],
  evt_access_granted: ['刷卡通过', 'Access granted'],
  evt_access_denied: ['拒绝通行', 'Access denied'],
  evt_door_forced: ['强行开门', 'Forced open'],
  evt_door_held: ['门长时间未关', 'Held open'],
  evt_tamper: ['防拆报警', 'Tamper'],
  evt_duress: ['胁迫开门', 'Duress'],
  evt_power_loss: ['断电', 'Power lost'],
  evt_power_restored: ['恢复供电', 'Power restored'],
  evt_motion_start: ['画面移动开始', 'Motion started'],
  evt_motion_end: ['画面移动结束', 'Motion ended'],
  evt_zone_enter: ['进入区域', 'Entered a zone'],
  evt_zone_leave: ['离开区域', 'Left a zone'],
  evt_line_cross: ['越线', 'Crossed a line'],
  evt_video_loss: ['视频丢失', 'Video lost'],
  evt_fault: ['设备故障', 'Device fault'],
  evt_door: ['门禁事件', 'Door event'],
  evt_camera: ['摄像机事件', 'Camera event'],
  obj_person: ['人员', 'person'],
  obj_car: ['车辆', 'vehicle'],
  obj_vehicle: ['车辆', 'vehicle'],
  obj_motion: ['移动', 'motion'],
  regionKind_danger_water: ['危险水域', 'Danger water'],
  regionKind_general: ['一般区域', 'General area'],
  unnamedZone: ['{kind}（第 {n} 个区域）', '{kind} (zone {n})'],
  unnamedLine: ['计数线 {n}', 'Counting line {n}'],
  unknownZone: ['已不在该摄像机上的区域', 'a zone this camera no longer has'],
  unknownLine: ['已不在该摄像机上的计数线', 'a line this camera no longer has'],
  unknownCamera: ['未登记的摄像机', 'an unregistered camera'],
  direction_in: ['由外向内', 'inward'],
  direction_out: ['由内向外', 'outward'],
});

/** An event type in words; `source` ('door' or 'camera') names an unknown one. */
export function eventWord(type, source = 'camera') {
  const text = t('evt_' + type);
  return text === 'evt_' + type ? t('evt_' + source) : text;
}

/** What a camera saw (its detector's class), in words; an unknown class as the detector named it. */
export function objectWord(label) {
  const text = t('obj_' + label);
  return text === 'obj_' + label ? label : text;
}

/**
 * A camera's zone or counting line as people name it, never its ID (an event carries only the ID, and the registry's
 * name is optional: the demo's zones have none). Unnamed: its kind and its place in the camera's list, as the
 * admin's region editor numbers them; gone from the camera since the event: said so.
 */
export function regionWord(camera, kind, id) {
  const items = (kind === 'line' ? camera?.lines : camera?.zones) ?? [];
  const index = items.findIndex(item => item.id === id);
  if (index < 0) return t(kind === 'line' ? 'unknownLine' : 'unknownZone');
  const item = items[index];
  if (item.name) return name(item.name);
  if (kind === 'line') return t('unnamedLine', { n: index + 1 });
  const word = t('regionKind_' + String(item.kind).replaceAll('-', '_'));
  return t('unnamedZone', { kind: word.startsWith('regionKind_') ? t('regionKind_general') : word, n: index + 1 });
}

/** What a camera event was about, in words: the zone or line by name, the crossing's direction, what was seen. */
export function cameraEventDetails(event, camera) {
  const parts = [];
  if (event.zone) parts.push(regionWord(camera, 'zone', event.zone));
  if (event.line) parts.push(regionWord(camera, 'line', event.line));
  if (event.direction) {
    const word = t('direction_' + event.direction);
    if (!word.startsWith('direction_')) parts.push(word);
  }
  if (event.label) parts.push(objectWord(event.label));
  return parts.map(part => ` · ${part}`).join('');
}
