import { api } from '../api.js';
import { h, fill } from '../dom.js';
import { addTexts, name, t } from '../i18n.js';
import { confirmAction } from '../components/confirm.js';
import { field, outcome, word } from './common.js';

// Grid cells (网格): create, rename, move under another cell, and who and what belongs to each: the guards
// responsible (each person's `cells`, PUT /api/people) and the devices placed there (each device's `cellId`,
// PUT /api/devices). Cameras are placed in the camera form (their device follows the camera). Names, never IDs.
addTexts({
  tabCells: ['网格', 'Grid cells'],
  colLevel: ['层级', 'Level'],
  colParent: ['上级网格', 'Parent'],
  colGuards: ['网格员', 'Guards'],
  colDevices: ['设备', 'Devices'],
  level_Community: ['社区', 'Community'],
  level_Compound: ['小区', 'Compound'],
  level_Building: ['楼栋 / 片区', 'Building / area'],
  level_Unit: ['单元', 'Unit'],
  noParent: ['（无，顶级社区）', '(none: a top-level community)'],
  deviceHereOnly: ['设备只能移入；要移出请在另一网格中勾选', 'Devices move in here; to move one out, tick it in another cell'],
  confirmDeleteCell: ['删除网格 {name}？', 'Delete the grid cell {name}?'],
  none: ['无', 'none'],
});

const LEVELS = ['Community', 'Compound', 'Building', 'Unit'];
const enc = encodeURIComponent;
const personBody = (p, cells) => ({ name: p.name, role: p.role, duty: p.duty, cells, phone: p.phone, webhookUrl: p.webhookUrl, enabled: p.enabled });
const deviceBody = (d, cellId) => ({ kind: d.kind, name: d.name, cellId, lat: d.lat, lon: d.lon, enabled: d.enabled, attributes: d.attributes });

export function cellsSection() {
  const el = h('section', { 'data-testid': 'admin-cells' });
  const status = h('p', { role: 'status', 'data-testid': 'admin-status' });
  const formBox = h('div');
  const table = h('div', {}, t('loading'));
  let cells = [], people = [], devices = [];
  fill(el, h('button', { type: 'button', class: 'primary', 'data-testid': 'cell-add', onclick: () => edit(null) }, t('add')), formBox, status, table);
  const cellName = id => name(cells.find(c => c.id === id)?.name ?? t('none'));
  const guardsOf = id => people.filter(p => p.role === 'guard' && p.cells.includes(id));
  // Cameras are moved with their camera (the camera registry owns their device's cell).
  const movable = () => devices.filter(d => d.kind !== 'camera');

  async function load() {
    [cells, people, devices] = await Promise.all([api('/api/grid/cells'), api('/api/people'), api('/api/devices')]);
    fill(table, h('table', {}, h('thead', {}, h('tr', {}, ['colName', 'colLevel', 'colParent', 'colGuards', 'colDevices', 'colActions'].map(k => h('th', {}, t(k))))),
      h('tbody', {}, cells.map(c => h('tr', { 'data-testid': 'cell-row', 'data-cell': c.id },
        h('td', {}, name(c.name)), h('td', {}, word('level', c.level)), h('td', {}, c.parentId ? cellName(c.parentId) : '—'),
        h('td', { 'data-testid': 'cell-guards' }, guardsOf(c.id).map(p => name(p.name)).join('、') || '—'),
        h('td', { 'data-testid': 'cell-devices' }, devices.filter(d => d.cellId === c.id).map(d => name(d.name)).join('、') || '—'),
        h('td', {},
          h('button', { type: 'button', 'data-testid': 'cell-edit', onclick: () => edit(c) }, t('edit')), ' ',
          h('button', { type: 'button', class: 'danger', 'data-testid': 'cell-delete', onclick: () => remove(c) }, t('remove'))))))));
  }

  async function remove(c) {
    if (!await confirmAction(t('confirmDeleteCell', { name: name(c.name) }))) return;
    try {
      await api(`/api/grid/cells/${enc(c.id)}`, { method: 'DELETE' });
      outcome(status, null, null, t('deleted'));
      await load();
    } catch (error) { outcome(status, null, error); }
  }

  function edit(c) {
    const id = h('input', { name: 'id', required: true, maxlength: 64, value: c?.id ?? '', readonly: !!c, 'data-testid': 'cell-id' });
    const cellNameInput = h('input', { name: 'name', required: true, maxlength: 200, value: c?.name ?? '', 'data-testid': 'cell-name' });
    const level = h('select', { name: 'level', 'data-testid': 'cell-level' }, LEVELS.map(l => h('option', { value: l, selected: l === (c?.level ?? 'Building') }, word('level', l))));
    const parent = h('select', { name: 'parentId', 'data-testid': 'cell-parent' }, h('option', { value: '' }, t('noParent')),
      cells.filter(x => x.id !== c?.id).map(x => h('option', { value: x.id, selected: x.id === (c?.parentId ?? cells[0]?.id) }, name(x.name))));
    const guardBoxes = people.filter(p => p.role === 'guard').map(p => h('label', { class: 'check' },
      h('input', { type: 'checkbox', value: p.id, checked: !!c && p.cells.includes(c.id), 'data-testid': 'cell-guard' }), name(p.name)));
    const deviceBoxes = movable().map(d => h('label', { class: 'check', title: d.cellId === c?.id ? t('deviceHereOnly') : '' },
      h('input', { type: 'checkbox', value: d.id, checked: !!c && d.cellId === c.id, disabled: !!c && d.cellId === c.id, 'data-testid': 'cell-device' }), name(d.name)));
    const line = h('p', { role: 'status', 'data-testid': 'cell-form-status' });
    const form = h('form', { class: 'edit', novalidate: true, 'data-testid': 'cell-form', onsubmit: async event => {
      event.preventDefault();
      const cellId = id.value.trim();
      try {
        await api(`/api/grid/cells/${enc(cellId)}`, { method: 'PUT', body: { name: cellNameInput.value.trim(), level: level.value, parentId: parent.value || null, lat: c?.lat ?? null, lon: c?.lon ?? null } });
        // Then who and what belongs here: only the people and devices whose assignment changed are written.
        for (const box of guardBoxes.map(b => b.querySelector('input'))) {
          const person = people.find(p => p.id === box.value);
          const has = person.cells.includes(cellId);
          if (box.checked === has) continue;
          const next = box.checked ? [...person.cells, cellId] : person.cells.filter(x => x !== cellId);
          await api(`/api/people/${enc(person.id)}`, { method: 'PUT', body: personBody(person, next) });
        }
        for (const box of deviceBoxes.map(b => b.querySelector('input')).filter(b => b.checked && !b.disabled)) {
          const device = devices.find(d => d.id === box.value);
          await api(`/api/devices/${enc(device.id)}`, { method: 'PUT', body: deviceBody(device, cellId) });
        }
        fill(formBox);
        outcome(status, null, null, t('saved'));
        await load();
      } catch (error) {
        outcome(line, form, error);
        await load().catch(() => {});
      }
    } },
    field(t('fieldId'), id), field(t('colName'), cellNameInput), field(t('colLevel'), level), field(t('colParent'), parent),
    h('fieldset', {}, h('legend', {}, t('colGuards')), guardBoxes),
    h('fieldset', {}, h('legend', {}, t('colDevices')), deviceBoxes),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'cell-save' }, t('save')),
      h('button', { type: 'button', onclick: () => fill(formBox) }, t('cancel'))), line);
    fill(formBox, form);
    (c ? cellNameInput : id).focus();
  }

  load().catch(error => outcome(status, null, error));
  return { el, reload: () => load().catch(error => outcome(status, null, error)) };
}
