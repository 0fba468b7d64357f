import { api } from '../api.js';
import { h, fill } from '../dom.js';
import { name, t } from '../i18n.js';
import { confirmAction } from '../components/confirm.js';
import { cellNames, cellSelect, field, outcome } from './common.js';
import { regionsEditor } from './regions.js';

// Cameras, water spots and shelters: the fields an administrator changes day to day; everything else an entry
// has (zones, lines, devices, entrances, risk times) is sent back as it was, so an edit here never drops it.
function section(testId, { columns, rows, form, onDelete, deleteText, extra }) {
  const el = h('section', { 'data-testid': testId });
  const status = h('p', { role: 'status', 'data-testid': 'admin-status' });
  const formBox = h('div');
  const table = h('div', {}, t('loading'));
  const done = text => outcome(status, null, null, text);
  const failed = error => outcome(status, null, error);
  const open = item => {
    const line = h('p', { role: 'status' });
    const built = form(item, async (path, body) => {
      try {
        await api(path, { method: 'PUT', body });
        fill(formBox);
        done(t('saved'));
        await load();
      } catch (error) { outcome(line, built, error); }
    });
    built.append(h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'admin-save' }, t('save')),
      h('button', { type: 'button', onclick: () => fill(formBox) }, t('cancel'))), line);
    fill(formBox, built);
    built.querySelector('input:not([readonly])')?.focus();
  };
  async function load() {
    const items = await rows();
    fill(table, h('table', {}, h('thead', {}, h('tr', {}, [...columns.map(c => c[0]), 'colActions'].map(k => h('th', {}, t(k))))),
      h('tbody', {}, items.map(item => h('tr', { 'data-testid': 'admin-row', 'data-id': item.id },
        columns.map(c => h('td', {}, c[1](item))),
        h('td', {}, h('button', { type: 'button', onclick: () => open(item) }, t('edit')), ' ',
          extra ? extra(item, { done, failed, reload: load, panel: el => fill(formBox, el) }) : null, ' ',
          h('button', { type: 'button', class: 'danger', 'data-testid': 'admin-delete', onclick: async () => {
            if (!await confirmAction(t(deleteText, { name: name(item.name) }))) return;
            try { await onDelete(item); done(t('deleted')); await load(); } catch (error) { failed(error); }
          } }, t('remove'))))))));
  }
  fill(el, h('button', { type: 'button', class: 'primary', 'data-testid': 'admin-add', onclick: () => open(null) }, t('add')), formBox, status, table);
  load().catch(failed);
  return { el, reload: () => load().catch(failed) };
}

const idInput = item => h('input', { name: 'id', required: true, maxlength: 64, value: item?.id ?? '', readonly: !!item, 'data-testid': 'admin-id' });
const text = (fieldName, value, attrs = {}) => h('input', { name: fieldName, value: value ?? '', maxlength: 500, ...attrs });
const path = (base, id) => `${base}/${encodeURIComponent(id)}`;

export function camerasSection({ cells }) {
  return section('admin-cameras', {
    columns: [['colName', c => name(c.name)], ['colCell', c => cellNames(cells, [c.cellId])],
      ['colState', c => [c.online ? t('onlineNow') : t('offlineNow'), c.hasCredentials ? ` · ${t('hasCredentials')}` : '']]],
    rows: () => api('/api/video/cameras'),
    deleteText: 'confirmDeleteCamera',
    onDelete: c => api(path('/api/video/cameras', c.id), { method: 'DELETE' }),
    extra: (c, { reload, panel }) => h('button', { type: 'button', 'data-testid': 'camera-regions',
      onclick: () => panel(regionsEditor(c, { onClose: () => { panel(null); reload(); } })) }, t('regions')),
    form: (c, save) => {
      const id = idInput(c);
      const cameraName = text('name', c?.name, { required: true, 'data-testid': 'camera-name' });
      const cell = cellSelect(cells, c?.cellId);
      const mainUrl = text('mainUrl', c?.mainUrl, { required: true, type: 'url', 'data-testid': 'camera-main-url' });
      const subUrl = text('subUrl', c?.subUrl, { type: 'url' });
      const username = text('username', '', { autocomplete: 'off' });
      const password = text('password', '', { type: 'password', autocomplete: 'new-password' });
      const record = h('input', { type: 'checkbox', name: 'recording', checked: c?.recording?.enabled ?? true });
      return h('form', { class: 'edit', novalidate: true, 'data-testid': 'camera-form', onsubmit: event => {
        event.preventDefault();
        const body = { lat: c?.lat, lon: c?.lon, zones: c?.zones ?? [], lines: c?.lines ?? [], analysis: c?.analysis,
          name: cameraName.value.trim(), cellId: cell.value, mainUrl: mainUrl.value.trim(), subUrl: subUrl.value.trim() || null,
          recording: { ...(c?.recording ?? { segmentSeconds: 10, retentionDays: 30 }), enabled: record.checked } };
        if (username.value || password.value) Object.assign(body, { username: username.value, password: password.value });
        save(path('/api/video/cameras', id.value.trim()), body);
      } }, field(t('fieldId'), id), field(t('colName'), cameraName), field(t('colCell'), cell), field(t('fieldMainUrl'), mainUrl),
      field(t('fieldSubUrl'), subUrl), field(t('fieldUser'), username), field(t('fieldCamPassword'), password), field(t('fieldRecording'), record));
    },
  });
}

export function spotsSection({ cells }) {
  return section('admin-spots', {
    columns: [['colName', s => name(s.spot.name)], ['colCell', s => cellNames(cells, [s.spot.cellId])],
      ['fieldWarning', s => s.spot.levels.warningM.toFixed(2)], ['fieldDanger', s => s.spot.levels.dangerM.toFixed(2)]],
    rows: async () => (await api('/api/water/spots')).map(s => ({ ...s, id: s.spot.id, name: s.spot.name })),
    deleteText: 'confirmDeleteSpot',
    onDelete: s => api(path('/api/water/spots', s.id), { method: 'DELETE' }),
    form: (s, save) => {
      const spot = s?.spot;
      const id = idInput(s);
      const spotName = text('name', spot?.name, { required: true });
      const cell = cellSelect(cells, spot?.cellId);
      const warning = text('levels', spot?.levels.warningM, { type: 'number', step: '0.01', required: true, 'data-testid': 'spot-warning' });
      const danger = text('levels', spot?.levels.dangerM, { type: 'number', step: '0.01', required: true, 'data-testid': 'spot-danger' });
      return h('form', { class: 'edit', novalidate: true, 'data-testid': 'spot-form', onsubmit: event => {
        event.preventDefault();
        const levels = { ...(spot?.levels ?? { normalM: Number(warning.value) - 0.5 }), warningM: Number(warning.value), dangerM: Number(danger.value) };
        save(path('/api/water/spots', id.value.trim()), { ...(spot ?? {}), id: undefined, name: spotName.value.trim(), cellId: cell.value, levels });
      } }, field(t('fieldId'), id), field(t('colName'), spotName), field(t('colCell'), cell), field(t('fieldWarning'), warning), field(t('fieldDanger'), danger));
    },
  });
}

const shelterBody = (s, changes) => ({
  name: s.name, class: s.class, duration: s.duration, effectiveAreaM2: s.effectiveAreaM2, areaPerPersonM2: s.areaPerPersonM2,
  capacity: s.explicitCapacity, lat: s.lat, lon: s.lon, cellId: s.cellId, open: s.open,
  entrances: s.entrances.map(e => ({ id: e.id, name: e.name, sources: e.sources.map(x => ({ device: x.deviceId, door: x.door, line: x.line, reversed: x.reversed })) })),
  ...changes,
});

export function sheltersSection({ cells }) {
  return section('admin-shelters', {
    columns: [['colName', s => name(s.name)], ['colCell', s => cellNames(cells, [s.cellId])],
      ['fieldOccupants', s => `${s.occupancy?.occupants ?? 0} / ${s.capacity}`], ['colState', s => s.open ? t('openState') : t('closedState')]],
    rows: async () => (await api('/api/shelters')).map(v => ({ ...v.shelter, occupancy: v.occupancy })),
    deleteText: 'confirmDeleteShelter',
    onDelete: s => api(path('/api/shelters', s.id), { method: 'DELETE' }),
    extra: (s, { done, failed, reload }) => {
      const count = h('input', { type: 'number', min: 0, max: s.capacity, value: s.occupancy?.occupants ?? 0, 'aria-label': t('fieldOccupants'), 'data-testid': 'headcount', style: { width: '6rem' } });
      return h('span', {}, count, ' ', h('button', { type: 'button', 'data-testid': 'headcount-correct', onclick: async () => {
        const answer = await confirmAction(t('confirmHeadcount', { name: name(s.name), n: count.value }), { note: true });
        if (!answer) return;
        try {
          await api(`${path('/api/shelters', s.id)}/headcount`, { method: 'POST', body: { occupants: Number(count.value), note: answer.note } });
          done(t('saved'));
          await reload();
        } catch (error) { failed(error); }
      } }, t('correctHeadcount')));
    },
    form: (s, save) => {
      const id = idInput(s);
      const shelterName = text('name', s?.name, { required: true });
      const cell = cellSelect(cells, s?.cellId);
      const capacity = text('capacity', s?.explicitCapacity ?? s?.capacity, { type: 'number', min: 0, 'data-testid': 'shelter-capacity' });
      return h('form', { class: 'edit', novalidate: true, 'data-testid': 'shelter-form', onsubmit: event => {
        event.preventDefault();
        const base = s ?? { class: 'emergency', duration: 'I', effectiveAreaM2: 0, areaPerPersonM2: 1, lat: null, lon: null, entrances: [], open: false };
        save(path('/api/shelters', id.value.trim()), shelterBody(base, { name: shelterName.value.trim(), cellId: cell.value, capacity: capacity.value === '' ? null : Number(capacity.value) }));
      } }, field(t('fieldId'), id), field(t('colName'), shelterName), field(t('colCell'), cell), field(t('fieldCapacity'), capacity));
    },
  });
}
