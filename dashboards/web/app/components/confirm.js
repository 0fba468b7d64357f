import { h } from '../dom.js';
import { t } from '../i18n.js';

// Destructive actions ask first: a modal dialog that says what will happen, optionally asks for a note (why),
// and does nothing unless the person confirms. Resolves { note } when confirmed, null when cancelled. The note is
// checked here, not by the browser's own validation, whose message would be in the browser's language.
export function confirmAction(message, { note = false, noteLabel, confirmLabel } = {}) {
  return new Promise(resolve => {
    const field = note ? h('textarea', { id: 'confirm-note', 'aria-required': 'true', maxlength: 500, rows: 3, 'data-testid': 'confirm-note' }) : null;
    const error = h('p', { class: 'error', role: 'alert' });
    const ok = h('button', { type: 'submit', class: 'danger', 'data-testid': 'confirm-ok' }, confirmLabel ?? t('confirm'));
    const cancel = h('button', { type: 'button', 'data-testid': 'confirm-cancel' }, t('cancel'));
    const dialog = h('dialog', { class: 'confirm', 'data-testid': 'confirm-dialog', 'aria-labelledby': 'confirm-message' },
      h('form', { method: 'dialog' },
        h('p', { id: 'confirm-message' }, message),
        field ? h('label', { for: 'confirm-note' }, noteLabel ?? t('noteWhy'), field) : null,
        error,
        h('div', { class: 'actions' }, cancel, ok)));
    let answered = false;
    const close = value => {
      if (answered) return;
      answered = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    cancel.addEventListener('click', () => close(null));
    dialog.addEventListener('cancel', () => close(null));
    dialog.querySelector('form').addEventListener('submit', event => {
      event.preventDefault();
      if (field && !field.value.trim()) { error.textContent = t('noteRequired'); field.focus(); return; }
      close({ note: field?.value.trim() ?? '' });
    });
    document.body.append(dialog);
    dialog.showModal();
    (field ?? cancel).focus();
  });
}
