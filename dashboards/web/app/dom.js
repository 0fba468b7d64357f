// Building the page from data: text always goes in as text nodes, never as HTML, so a device name or an alert
// text can never inject markup (the registry and alerts carry text that devices and people typed).

/** h('button', {class: 'x', onclick: fn, 'data-testid': 'y'}, 'text', child, [more]) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'style' && typeof value === 'object') Object.assign(el.style, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';

/** Same as h, for SVG elements. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * Makes `parent`'s children exactly `elements`, moving only what changed place: an element left where it is
 * keeps its keyboard focus and its form's text while live updates re-render around it.
 */
export function syncChildren(parent, elements) {
  elements.forEach((el, i) => {
    if (parent.children[i] !== el) parent.insertBefore(el, parent.children[i] ?? null);
  });
  while (parent.children.length > elements.length) parent.lastElementChild.remove();
  for (const node of [...parent.childNodes]) if (node.nodeType !== Node.ELEMENT_NODE) node.remove();
}

/** Shows a refusal: the translated message, red, with the gateway's code and English detail for the curious. */
export function failed(el, error) {
  fill(el, error.message);
  el.dataset.outcome = 'error';
  if (error.code) el.dataset.code = error.code; else delete el.dataset.code;
  el.title = error.detail ?? '';
  return el;
}

/** Shows that something worked: green, so success never looks like an error. */
export function succeeded(el, ...children) {
  fill(el, ...children);
  el.dataset.outcome = 'ok';
  delete el.dataset.code;
  el.title = '';
  return el;
}
