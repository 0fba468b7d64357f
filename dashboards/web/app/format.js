import { h } from './dom.js';
import { lang, t } from './i18n.js';

// Times are stored and sent in UTC; people read them in their browser's own zone.
function formatter(options) {
  return new Intl.DateTimeFormat(lang() === 'en' ? 'en-GB' : 'zh-CN', options);
}

export function time(value) {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '—' : formatter({ dateStyle: 'short', timeStyle: 'medium' }).format(date);
}

export function clock(value) {
  if (!value) return '—';
  return formatter({ hour: '2-digit', minute: '2-digit' }).format(new Date(value));
}

/** <time> element: the local time as text, the ISO instant as its machine value. */
export function timeEl(value) {
  return h('time', { datetime: value ?? '' }, time(value));
}

export function number(value, digits = 2) {
  return value === null || value === undefined ? '—' : Number(value).toFixed(digits);
}

const LEVELS = ['red', 'orange', 'yellow', 'blue'];

/**
 * The level as a badge: the Chinese warning colour (蓝/黄/橙/红) and always its name in words, so the colour is
 * never the only carrier of meaning (colour-blind staff, a phone in sunlight, a black-and-white printout).
 */
export function levelBadge(level) {
  const known = LEVELS.includes(level) ? level : 'none';
  return h('span', { class: 'level level-' + known, 'data-level': known }, t('level_' + known));
}

export function stateBadge(state) {
  return h('span', { class: 'state state-' + state, 'data-state': state }, t('state_' + state));
}

export const levelOrder = level => ({ red: 4, orange: 3, yellow: 2, blue: 1 })[level] ?? 0;

/** Local value for an <input type="datetime-local"> from an instant. */
export function toLocalInput(value) {
  const date = new Date(value);
  const pad = n => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
