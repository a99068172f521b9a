// Small DOM helpers: build elements without HTML strings, so no text from a call is ever parsed as markup.

/**
 * Makes an element: `h('button', { type: 'button', onclick }, 'Call')`. Props starting with "on" are listeners,
 * `class`, `for` and attributes with a dash are attributes, the rest are properties; children are nodes or text.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value)
    else if (name === 'class' || name === 'for' || name.includes('-')) element.setAttribute(name, value === true ? '' : String(value))
    else element[name] = value
  }
  element.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false))
  return element
}

/** Replaces the children of `element`. */
export function fill(element, ...children) {
  element.replaceChildren(...children.flat().filter((c) => c !== undefined && c !== null && c !== false))
  return element
}

/** A time span as people say it: "4 s", "3 min", "2 h", "5 d". */
export function age(since, now = Date.now()) {
  const seconds = Math.max(0, Math.round((now - Date.parse(since)) / 1000))
  if (seconds < 60) return `${seconds} s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h`
  return `${Math.floor(seconds / 86400)} d`
}

/** A JSON value folded: its summary (what it is and how big) opens onto the whole of it. */
export function folded(label, value, open = false) {
  const size = Array.isArray(value) ? `${value.length} item${value.length === 1 ? '' : 's'}`
    : value !== null && typeof value === 'object' ? `${Object.keys(value).length} field${Object.keys(value).length === 1 ? '' : 's'}`
      : value === undefined ? 'nothing' : String(value)
  return h('details', { class: 'json', open },
    h('summary', {}, h('span', { class: 'label' }, label), ' ', h('span', { class: 'size' }, size)),
    h('pre', {}, value === undefined ? '(none)' : JSON.stringify(value, null, 2)))
}

/** A heading the router focuses when the page changes, so keyboard and screen reader users land on it. */
export function title(text, ...rest) {
  return h('h1', { tabIndex: -1 }, text, ...rest)
}
