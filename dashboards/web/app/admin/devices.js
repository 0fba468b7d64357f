import { api } from '../api.js';
import { h, fill } from '../dom.js';
import { number, time, timeEl } from '../format.js';
import { name, t } from '../i18n.js';
import { confirmAction } from '../components/confirm.js';
import { cellNames, cellSelect, field, outcome, word } from './common.js';

const KINDS = ['water-level', 'door-access', 'warning-device', 'camera'];

// Devices: register one (the gateway issues its secret, shown here once and never again), issue a new secret,
// disable or delete (both ask first: the device can no longer connect).
export function devicesSection({ cells }) {
  const el = h('section', { 'data-testid': 'admin-devices' });
  const status = h('p', { role: 'status', 'data-testid': 'admin-status' });
  const secretBox = h('div', { 'data-testid': 'device-secret-box' });
  const formBox = h('div');
  const table = h('div', {}, t('loading'));
  fill(el, h('button', { type: 'button', class: 'primary', 'data-testid': 'device-add', onclick: () => edit(null) }, t('add')), formBox, status, secretBox, table);

  async function load() {
    const devices = await api('/api/devices');
    const badClocks = devices.filter(d => d.clockSuspect && !d.clockSuspect.rightSince);
    fill(table, badClocks.length ? h('p', { class: 'warning', 'data-testid': 'device-clock-summary' },
      '⚠ ', t('clockSummary', { n: badClocks.length, names: badClocks.map(d => name(d.name)).join('、') })) : null,
    h('table', {}, h('thead', {}, h('tr', {}, ['colName', 'colKind', 'colCell', 'colState', 'colActions'].map(k => h('th', {}, t(k))))),
      h('tbody', {}, devices.map(d => h('tr', { 'data-testid': 'device-row', 'data-device': d.id },
        h('td', {}, name(d.name)), h('td', {}, word('kind', d.kind)), h('td', {}, cellNames(cells, d.cellId ? [d.cellId] : [])),
        h('td', { 'data-testid': 'device-state' }, !d.enabled ? t('disabled') : d.online ? t('onlineNow') : t('offlineNow'), ' · ',
          d.lastSeen ? timeEl(d.lastSeen) : t('neverSeen'),
          d.clockSuspect ? clockLine(d.clockSuspect) : null),
        h('td', {},
          h('button', { type: 'button', onclick: () => edit(d) }, t('edit')), ' ',
          h('button', { type: 'button', 'data-testid': 'device-rotate', onclick: () => rotate(d) }, t('rotateSecret')), ' ',
          h('button', { type: 'button', 'data-testid': 'device-toggle', onclick: () => toggle(d) }, d.enabled ? t('disable') : t('enable')), ' ',
          h('button', { type: 'button', class: 'danger', 'data-testid': 'device-delete', onclick: () => remove(d) }, t('remove'))))))));
  }

  // A clock that was wrong: a warning while it still is; once plausible times come again, when that was (muted).
  function clockLine(c) {
    const kept = t('clockKept', { time: time(c.lastDeviceTime), n: c.messages });
    return c.rightSince
      ? h('div', { class: 'muted', 'data-testid': 'device-clock', 'data-clock': 'right' }, t('clockRightSince', { time: time(c.rightSince) }), ' · ', kept)
      : h('div', { class: 'warning', 'data-testid': 'device-clock', 'data-clock': 'wrong' }, '⚠ ', t('clockWrong'), ' · ', clockOff(c), ' · ', kept);
  }

  // How far the device's clock is off, in the view's language (the API's own skew text is for logs, in English).
  function clockOff(c) {
    const ms = Date.parse(c.lastDeviceTime) - Date.parse(c.lastReceived);
    const abs = Math.abs(ms);
    const amount = abs >= 86400000 ? t('spanDays', { n: number(abs / 86400000, abs >= 864000000 ? 0 : 1) })
      : abs >= 3600000 ? t('spanHours', { n: number(abs / 3600000, 1) }) : t('spanMinutes', { n: Math.round(abs / 60000) });
    return t(ms >= 0 ? 'clockAhead' : 'clockBehind', { amount });
  }

  const body = (d, changes) => ({ kind: d.kind, name: d.name, cellId: d.cellId, lat: d.lat, lon: d.lon, enabled: d.enabled, attributes: d.attributes, ...changes });

  function showSecret(device, secret) {
    fill(secretBox, secret ? h('p', { class: 'secret', 'data-testid': 'device-secret' }, `${t('secretOnce')} `, h('strong', {}, name(device.name)), ' ',
      h('code', { 'data-testid': 'device-secret-value' }, secret)) : null);
  }

  async function rotate(d) {
    if (!await confirmAction(t('confirmRotate', { name: name(d.name) }))) return;
    try {
      const answer = await api(`/api/devices/${encodeURIComponent(d.id)}/secret`, { method: 'POST' });
      showSecret(answer.device, answer.secret);
      outcome(status, null, null, t('saved'));
    } catch (error) { outcome(status, null, error); }
  }

  async function toggle(d) {
    if (d.enabled && !await confirmAction(t('confirmDisableDevice', { name: name(d.name) }))) return;
    try {
      await api(`/api/devices/${encodeURIComponent(d.id)}`, { method: 'PUT', body: body(d, { enabled: !d.enabled }) });
      outcome(status, null, null, t('saved'));
      await load();
    } catch (error) { outcome(status, null, error); }
  }

  async function remove(d) {
    if (!await confirmAction(t('confirmDeleteDevice', { name: name(d.name) }))) return;
    try {
      await api(`/api/devices/${encodeURIComponent(d.id)}`, { method: 'DELETE' });
      fill(secretBox);
      outcome(status, null, null, t('deleted'));
      await load();
    } catch (error) { outcome(status, null, error); }
  }

  function edit(d) {
    const id = h('input', { name: 'id', required: true, maxlength: 64, value: d?.id ?? '', readonly: !!d, 'data-testid': 'device-id' });
    const deviceName = h('input', { name: 'name', required: true, maxlength: 100, value: d?.name ?? '', 'data-testid': 'device-name' });
    const kind = h('select', { name: 'kind', disabled: !!d, 'data-testid': 'device-kind' }, KINDS.map(k => h('option', { value: k, selected: k === d?.kind }, word('kind', k))));
    const cell = cellSelect(cells, d?.cellId, { 'data-testid': 'device-cell' });
    const line = h('p', { role: 'status', 'data-testid': 'device-form-status' });
    const form = h('form', { class: 'edit', novalidate: true, 'data-testid': 'device-form', onsubmit: async event => {
      event.preventDefault();
      try {
        const answer = await api(`/api/devices/${encodeURIComponent(id.value.trim())}`, { method: 'PUT',
          body: body(d ?? { enabled: true, attributes: {} }, { kind: kind.value, name: deviceName.value.trim(), cellId: cell.value }) });
        fill(formBox);
        showSecret(answer.device, answer.secret);
        outcome(status, null, null, t('saved'));
        await load();
      } catch (error) { outcome(line, form, error); }
    } },
      field(t('fieldId'), id), field(t('colName'), deviceName), field(t('fieldKind'), kind), field(t('colCell'), cell),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'device-save' }, t('save')),
        h('button', { type: 'button', onclick: () => fill(formBox) }, t('cancel'))), line);
    fill(formBox, form);
    (d ? deviceName : id).focus();
  }

  load().catch(error => outcome(status, null, error));
  return { el, reload: () => load().catch(error => outcome(status, null, error)) };
}
