import { api } from '../api.js';
import { h, fill } from '../dom.js';
import { name, t } from '../i18n.js';
import { confirmAction } from '../components/confirm.js';
import { cellNames, field, outcome, word } from './common.js';

const ROLES = ['guard', 'emergency', 'water-authority', 'public-security', 'admin'];
const DUTIES = ['Guard', 'GridChief', 'Community', 'Staff'];

// People: who signs in, with which role, responsible for which cells. PUT /api/people/{id} creates and changes
// (the same checks and messages as the API), disabling ends a person's sessions, deleting asks first.
export function peopleSection({ cells, me }) {
  const el = h('section', { 'data-testid': 'admin-people' });
  const status = h('p', { role: 'status', 'data-testid': 'admin-status' });
  const formBox = h('div');
  const table = h('div', {}, t('loading'));
  let people = [];
  fill(el, h('button', { type: 'button', class: 'primary', 'data-testid': 'person-add', onclick: () => edit(null) }, t('add')), formBox, status, table);

  async function load() {
    people = await api('/api/people');
    fill(table, h('table', {}, h('thead', {}, h('tr', {}, ['colName', 'colRole', 'colDuty', 'colCells', 'colState', 'colActions'].map(k => h('th', {}, t(k))))),
      h('tbody', {}, people.map(p => h('tr', { 'data-testid': 'person-row', 'data-person': p.id },
        h('td', {}, name(p.name)), h('td', {}, word('role', p.role)), h('td', {}, word('duty', p.duty)), h('td', {}, cellNames(cells, p.cells)),
        h('td', {}, p.enabled ? t('enabled') : t('disabled')),
        h('td', {},
          h('button', { type: 'button', onclick: () => edit(p) }, t('edit')), ' ',
          p.id === me.id ? null : h('button', { type: 'button', 'data-testid': 'person-toggle', onclick: () => toggle(p) }, p.enabled ? t('disable') : t('enable')), ' ',
          p.id === me.id ? null : h('button', { type: 'button', class: 'danger', 'data-testid': 'person-delete', onclick: () => remove(p) }, t('remove'))))))));
  }

  const body = (p, changes) => ({ name: p.name, role: p.role, duty: p.duty, cells: p.cells, phone: p.phone, webhookUrl: p.webhookUrl, enabled: p.enabled, ...changes });

  async function toggle(p) {
    if (p.enabled && !await confirmAction(t('confirmDisablePerson', { name: name(p.name) }))) return;
    try {
      await api(`/api/people/${encodeURIComponent(p.id)}`, { method: 'PUT', body: body(p, { enabled: !p.enabled }) });
      outcome(status, null, null, t('saved'));
      await load();
    } catch (error) { outcome(status, null, error); }
  }

  async function remove(p) {
    if (!await confirmAction(t('confirmDeletePerson', { name: name(p.name) }))) return;
    try {
      await api(`/api/people/${encodeURIComponent(p.id)}`, { method: 'DELETE' });
      outcome(status, null, null, t('deleted'));
      await load();
    } catch (error) { outcome(status, null, error); }
  }

  function edit(p) {
    const id = h('input', { name: 'id', required: true, maxlength: 64, value: p?.id ?? '', readonly: !!p, 'data-testid': 'person-id' });
    const personName = h('input', { name: 'name', required: true, maxlength: 100, value: p?.name ?? '', 'data-testid': 'person-name' });
    const role = h('select', { name: 'role', 'data-testid': 'person-role' }, ROLES.map(r => h('option', { value: r, selected: r === (p?.role ?? 'guard') }, word('role', r))));
    const duty = h('select', { name: 'duty', 'data-testid': 'person-duty' }, DUTIES.map(d => h('option', { value: d, selected: d === (p?.duty ?? 'Guard') }, word('duty', d))));
    const cellBoxes = [...cells.values()].map(c => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: 'cells', value: c.id, checked: p?.cells?.includes(c.id) }), name(c.name)));
    const phone = h('input', { name: 'phone', type: 'tel', maxlength: 32, value: p?.phone ?? '' });
    const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', maxlength: 256, required: !p, 'data-testid': 'person-password' });
    const line = h('p', { role: 'status', 'data-testid': 'person-form-status' });
    const form = h('form', { class: 'edit', novalidate: true, 'data-testid': 'person-form', onsubmit: async event => {
      event.preventDefault();
      const changes = { name: personName.value.trim(), role: role.value, duty: duty.value, phone: phone.value.trim() || null,
        cells: cellBoxes.map(b => b.querySelector('input')).filter(i => i.checked).map(i => i.value) };
      if (password.value) changes.password = password.value;
      try {
        await api(`/api/people/${encodeURIComponent(id.value.trim())}`, { method: 'PUT', body: body(p ?? { enabled: true }, changes) });
        fill(formBox);
        outcome(status, null, null, t('saved'));
        await load();
      } catch (error) { outcome(line, form, error); }
    } },
      field(t('fieldId'), id), field(t('colName'), personName), field(t('colRole'), role), field(t('colDuty'), duty),
      h('fieldset', {}, h('legend', {}, t('colCells')), cellBoxes), field(t('fieldPhone'), phone), field(t('fieldPassword'), password),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'person-save' }, t('save')),
        h('button', { type: 'button', onclick: () => fill(formBox) }, t('cancel'))), line);
    fill(formBox, form);
    (p ? personName : id).focus();
  }

  load().catch(error => outcome(status, null, error));
  return { el, reload: () => load().catch(error => outcome(status, null, error)) };
}
