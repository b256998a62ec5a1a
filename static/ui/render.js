// DOM helpers for the dashboard: every text goes in as text (names, results and logs are the user's).

/** h("td", { class: "x" }, "text", child…) */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export const status = (value) => h("span", { class: `status ${value}` }, value);

/** Replaces a table body's rows; shows `empty` (an element) when there are none. */
export function fillRows(table, rows, empty) {
  table.tBodies[0].replaceChildren(...rows);
  if (empty) empty.hidden = rows.length > 0;
}

export function clock(ms) {
  if (ms === null || ms === undefined) return "—";
  return new Date(ms).toLocaleTimeString();
}

export function took(from, to) {
  if (from === null || to === null || to === undefined) return "—";
  const ms = to - from;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** A log box that keeps its place unless it follows the end. */
export function showLog(pre, lines, follow) {
  const text = lines.join("\n");
  if (pre.textContent === text) return;
  const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
  pre.textContent = text;
  if (follow || atEnd) pre.scrollTop = pre.scrollHeight;
}
