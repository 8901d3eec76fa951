// DOM helpers. Text from mail, files and the model only ever enters the page
// through text nodes (el's string children, textContent): never innerHTML.

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "className") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2).toLowerCase(), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const SVG = "http://www.w3.org/2000/svg";
const SERVICES = ["gmail", "drive", "calendar", "docs", "sheets", "tasks", "contacts"];

export function serviceOf(tool) {
  const prefix = String(tool || "").split("_")[0];
  return SERVICES.includes(prefix) ? prefix : "agent";
}

export function icon(service) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const use = document.createElementNS(SVG, "use");
  use.setAttribute("href", `#i-${service}`);
  svg.append(use);
  return svg;
}

// Only http(s) links are followed: a javascript: or data: URL from a tool
// result must never become clickable.
export function safeHref(link) {
  if (!link) return null;
  try {
    const url = new URL(link, location.href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

export function openLink(link, label = "Open") {
  const href = safeHref(link);
  return href ? el("a", { href, target: "_blank", rel: "noopener noreferrer" }, label) : null;
}

export const hasOffset = (value) => /(Z|[+-]\d\d:?\d\d)$/.test(String(value ?? ""));

// Times come as "2025-01-07T10:00:00+01:00" (shown in `zone`, else the
// browser's), or as wall-clock "2025-01-07T10:00" already in the event's zone.
export function formatTime(value, zone) {
  if (!value) return "";
  const text = String(value);
  const dateOnly = /^\d{4}-\d\d-\d\d$/.test(text);
  const date = new Date(hasOffset(text) ? text : `${text}${dateOnly ? "T00:00:00" : ""}Z`);
  if (Number.isNaN(date.getTime())) return text;
  const options = dateOnly ? { dateStyle: "full" } : { dateStyle: "medium", timeStyle: "short" };
  try {
    // Wall-clock values are already in the event's zone: format them as UTC so they are not shifted.
    options.timeZone = hasOffset(text) ? zone || undefined : "UTC";
    return new Intl.DateTimeFormat(undefined, options).format(date);
  } catch {
    return text;
  }
}

// A readable line for a list of people or files, whatever shape the tool uses.
export function listText(value) {
  if (value === undefined || value === null || value === "") return "";
  const items = Array.isArray(value) ? value : [value];
  return items.map(itemText).filter(Boolean).join(", ");
}

function itemText(item) {
  if (item && typeof item === "object") {
    if (item.drive_file_id) return `Drive file ${item.drive_file_id}`;
    if (item.attachment_id) return `attachment ${item.attachment_id} of email ${item.message_id}`;
    return item.email || item.name || item.filename || item.title || item.id || JSON.stringify(item);
  }
  return String(item ?? "");
}
