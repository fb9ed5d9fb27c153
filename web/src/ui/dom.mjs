// The page's one DOM helper: h('button', {class: 'x', onclick}, 'text', child) makes an element.
// Props starting with "on" become listeners, `dataset` and `aria` objects set data-/aria-
// attributes, everything else an attribute (false and null leave it out). Text children are
// text nodes, never HTML: model output reaches innerHTML only through markdown.mjs's sanitizer.

/** @returns {HTMLElement} */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name === 'aria') for (const [key, text] of Object.entries(value)) element.setAttribute(`aria-${key}`, text);
    else if (name === 'value' || name === 'checked') element[name] = value;
    else element.setAttribute(name, value === true ? '' : value);
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's children. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** Tells screen readers something (the page's polite live region). */
export function announce(text) {
  const region = document.getElementById('announcer');
  if (region) region.textContent = text;
}
