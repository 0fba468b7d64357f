import { api, apiOptional } from '../api.js';
import { h, fill } from '../dom.js';
import { timeEl } from '../format.js';
import { addTexts, name, pick, t } from '../i18n.js';
import { field, outcome } from './common.js';

// The audit log (操作日志): every change a person made through the gateway, newest first, with who, when (local
// time) and what, in words and names. The gateway records it (GET /api/audit, admins only) with secrets removed;
// the request body stays folded away under 详情 for whoever needs the exact values.
addTexts({
  tabAudit: ['操作日志', 'Audit log'],
  auditWhen: ['时间', 'When'],
  auditWho: ['操作人', 'Who'],
  auditWhat: ['操作', 'What'],
  auditOn: ['对象', 'On'],
  auditDetail: ['详情', 'Details'],
  auditAnyone: ['所有人', 'Anyone'],
  auditAnything: ['所有操作', 'Any change'],
  auditFrom: ['起始日期', 'From'],
  auditTo: ['截止日期（含）', 'To (inclusive)'],
  auditFilter: ['筛选', 'Filter'],
  auditMore: ['更早的记录', 'Older entries'],
  auditNone: ['没有符合条件的记录', 'No entries match'],
  verb_PUT: ['保存', 'saved'],
  verb_DELETE: ['删除', 'deleted'],
  verb_POST: ['新建', 'created'],
  verb_PATCH: ['修改', 'changed'],
  audit_people: ['人员', 'Person'],
  'audit_people.password': ['修改密码', 'Password changed'],
  'audit_grid.cells': ['网格', 'Grid cell'],
  audit_devices: ['设备', 'Device'],
  'audit_devices.secret': ['重新生成设备密钥', 'Device secret issued'],
  'audit_alerts.ack': ['确认预警', 'Alert acknowledged'],
  'audit_alerts.resolve': ['处置预警', 'Alert resolved'],
  'audit_alerts.silences': ['预警静默', 'Alert silence'],
  'audit_video.cameras': ['摄像机', 'Camera'],
  'audit_video.cameras.regions': ['区域与越线', 'Zones and lines'],
  'audit_video.clips': ['导出录像片段', 'Footage clip exported'],
  'audit_gb28181.channels.ptz': ['云台控制', 'PTZ control'],
  'audit_water.spots': ['危险水域', 'Water spot'],
  'audit_water.reservoirs': ['水库', 'Reservoir'],
  'audit_water.notices': ['泄洪通知', 'Discharge notice'],
  'audit_water.notices.cancel': ['撤销泄洪通知', 'Discharge notice cancelled'],
  audit_shelters: ['避难所', 'Shelter'],
  'audit_shelters.state': ['避难所开放 / 关闭', 'Shelter opened / closed'],
  'audit_shelters.headcount': ['更正避难所人数', 'Shelter headcount corrected'],
});

// Kinds that name a thing (saved, deleted, created); the others name an action already (确认预警).
const THINGS = new Set(['people', 'grid.cells', 'devices', 'alerts.silences', 'video.cameras', 'water.spots', 'water.reservoirs', 'water.notices', 'shelters']);
const KINDS = ['people', 'grid', 'devices', 'video', 'alerts', 'water', 'shelters', 'gb28181'];
const KIND_LABELS = { people: 'tabPeople', grid: 'tabCells', devices: 'tabDevices', video: 'tabCameras', alerts: 'alerts', water: 'tabSpots', shelters: 'tabShelters', gb28181: 'audit_gb28181.channels.ptz' };
const PAGE = 50;

/** The change in words: 人员 · 保存, 确认预警. An unknown kind (a newer gateway) shows as it is. */
const whatOf = entry => {
  const label = t('audit_' + entry.kind);
  if (label === 'audit_' + entry.kind) return `${entry.kind} · ${entry.method}`;
  return THINGS.has(entry.kind) ? `${label} · ${t('verb_' + entry.method)}` : label;
};

export function auditSection({ cells }) {
  const el = h('section', { 'data-testid': 'admin-audit' });
  const status = h('p', { role: 'status', 'data-testid': 'admin-status' });
  const list = h('tbody', { 'data-testid': 'audit-rows' });
  const more = h('button', { type: 'button', hidden: true, 'data-testid': 'audit-more', onclick: () => page(next).catch(error => outcome(status, null, error)) }, t('auditMore'));
  const actor = h('select', { name: 'actor', 'data-testid': 'audit-actor' }, h('option', { value: '' }, t('auditAnyone')));
  const kind = h('select', { name: 'kind', 'data-testid': 'audit-kind' }, h('option', { value: '' }, t('auditAnything')),
    KINDS.map(k => h('option', { value: k }, t(KIND_LABELS[k]))));
  const from = h('input', { type: 'date', name: 'from', 'data-testid': 'audit-from' });
  const to = h('input', { type: 'date', name: 'to', 'data-testid': 'audit-to' });
  const filters = h('form', { class: 'edit filters', novalidate: true, 'data-testid': 'audit-filters', onsubmit: event => { event.preventDefault(); reload(); } },
    field(t('auditWho'), actor), field(t('auditWhat'), kind), field(t('auditFrom'), from), field(t('auditTo'), to),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'audit-filter' }, t('auditFilter'))));
  fill(el, filters, status, h('table', {}, h('thead', {}, h('tr', {}, ['auditWhen', 'auditWho', 'auditWhat', 'auditOn', 'auditDetail'].map(k => h('th', {}, t(k))))), list), more);

  // Names of what an entry is about, by kind; a thing deleted since keeps its ID (the log still says what it was).
  let names = new Map();
  let next = null;
  const nameOf = entry => {
    if (!entry.target) return '—';
    const group = entry.kind.split('.').slice(0, 2).join('.');
    const found = names.get(`${entry.kind}:${entry.target}`) ?? names.get(`${group}:${entry.target}`) ?? names.get(`${entry.kind.split('.')[0]}:${entry.target}`);
    return found ? name(found) : entry.target;
  };

  async function loadNames() {
    const [people, devices, spots, shelters, reservoirs, silences, alerts] = await Promise.all([api('/api/people'), api('/api/devices'),
      apiOptional('/api/water/spots'), apiOptional('/api/shelters'), apiOptional('/api/water/reservoirs'), apiOptional('/api/alerts/silences'),
      apiOptional('/api/alerts?limit=500')]);
    const deviceNames = new Map(devices.map(d => [d.id, d.name]));
    names = new Map([
      ...people.map(p => [`people:${p.id}`, p.name]),
      ...[...cells.values()].map(c => [`grid.cells:${c.id}`, c.name]),
      ...devices.map(d => [`devices:${d.id}`, d.name]),
      ...devices.map(d => [`video:${d.id}`, d.name]),
      ...devices.map(d => [`gb28181:${d.id}`, d.name]),
      ...(spots ?? []).map(s => [`water.spots:${s.spot.id}`, s.spot.name]),
      ...(reservoirs ?? []).map(r => [`water.reservoirs:${r.id}`, r.name]),
      ...(shelters ?? []).map(v => [`shelters:${v.shelter.id}`, v.shelter.name]),
      ...(alerts ?? []).map(a => [`alerts:${a.id}`, pick(a.title)]),
      ...(silences ?? []).map(s => [`alerts.silences:${s.id}`, deviceNames.get(s.source.id) ?? (spots ?? []).find(x => x.spot.id === s.source.id)?.spot.name ?? s.source.id]),
    ]);
    fill(actor, h('option', { value: '' }, t('auditAnyone')), people.map(p => h('option', { value: p.id, selected: p.id === actor.value }, name(p.name))));
  }

  const row = entry => h('tr', { 'data-testid': 'audit-row', 'data-kind': entry.kind, 'data-method': entry.method },
    h('td', {}, timeEl(entry.at)), h('td', { 'data-testid': 'audit-who' }, name(entry.actorName)),
    h('td', { 'data-testid': 'audit-what' }, whatOf(entry)), h('td', { 'data-testid': 'audit-on' }, nameOf(entry)),
    h('td', {}, entry.detail ? h('details', {}, h('summary', {}, t('auditDetail')), h('pre', { 'data-testid': 'audit-detail' }, entry.detail)) : '—'));

  async function page(before) {
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (actor.value) query.set('actor', actor.value);
    if (kind.value) query.set('kind', kind.value);
    // Dates are the viewer's own days: local midnight, sent as an instant.
    if (from.value) query.set('from', new Date(from.value + 'T00:00').toISOString());
    if (to.value) { const end = new Date(to.value + 'T00:00'); end.setDate(end.getDate() + 1); query.set('to', end.toISOString()); }
    if (before) query.set('before', String(before));
    const result = await api('/api/audit?' + query);
    if (!before) fill(list);
    list.append(...result.items.map(row));
    if (!list.children.length) fill(list, h('tr', {}, h('td', { colspan: 5 }, t('auditNone'))));
    next = result.nextBefore;
    more.hidden = next === null || next === undefined;
  }

  function reload() { page(null).catch(error => outcome(status, null, error)); }

  loadNames().then(() => page(null)).catch(error => outcome(status, null, error));
  return { el, reload };
}
