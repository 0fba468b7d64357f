import { addTexts, t } from './i18n.js';

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
