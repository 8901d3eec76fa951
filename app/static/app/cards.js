// Approval cards: exactly what an action will do, before it is done.
// Every value is inserted as text; an email body is shown verbatim in a <pre>.
import { el, formatTime, hasOffset, icon, listText, openLink, serviceOf } from "./dom.js";

const hasValue = (value) => value !== undefined && value !== null && value !== "" && value !== false;
const yesNo = (value) => (value === undefined || value === null ? undefined : value ? "yes" : "no");

function fields(rows) {
  const shown = rows.filter(([, value]) => hasValue(value));
  return el("dl", { className: "fields" }, shown.map(([label, value]) => [el("dt", {}, label), el("dd", {}, value)]));
}

// The preview names what ids stand for; the server worked it out before asking.
const mailText = (mail) => `“${mail.subject || "(no subject)"}”${mail.from ? ` from ${mail.from}` : ""}`;
function fileText(file) {
  const about = [file.type, file.size > 0 && sizeText(file.size)].filter(Boolean).join(", ");
  return `“${file.name}”${about ? ` (${about})` : ""}`;
}

// A size as people read it, the same in every locale: "592 bytes", "1 KB", "2.4 MB".
function sizeText(bytes) {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let size = Number(bytes);
  let unit = 0;
  for (; size >= 1024 && unit < units.length - 1; unit++) size /= 1024;
  const shown = unit && size < 10 ? Math.round(size * 10) / 10 : Math.round(size);
  return `${shown} ${unit || shown !== 1 ? units[unit] : "byte"}`;
}
const audienceText = (preview) => (preview.shared_with?.length ? listText(preview.shared_with) : "only you");
const formulasRow = (preview) =>
  ["Formulas", preview.formulas?.length && `${listText(preview.formulas)} (a formula can fetch from the web, so this asks first)`];
// Formulas a sheet already holds that can send its cells to a web address: a copy keeps them, rows added reach them.
function webFormulasRow(preview) {
  const why = "they can send the sheet's cells, new rows too, to a web address, so this asks first";
  const more = preview.web_formulas_count ? `, ${preview.web_formulas_count - preview.web_formulas.length} more` : "";
  if (preview.web_formulas_unread) return ["Web formulas", "the sheet is too large to check for them, so this asks first"];
  return ["Web formulas", preview.web_formulas?.length && `${listText(preview.web_formulas)}${more} (${why})`];
}

// A reply's recipients and subject are filled in by the server as they will be sent.
function emailCard(title) {
  return (input, { preview = {} }) => ({
    title,
    content: [
      fields([
        ["From", preview.from],
        ["To", listText(input.to) || (input.reply_to_message_id ? "the sender of the original" : "")],
        ["Cc", listText(input.cc)],
        ["Bcc", listText(input.bcc)],
        ["Subject", input.subject || (input.reply_to_message_id ? "(the original's subject)" : "(no subject)")],
        ["Reply to", preview.reply_to ? `${mailText(preview.reply_to)}, in its thread`
          : input.reply_to_message_id && `email ${input.reply_to_message_id}, in its thread`],
        ["Attachments", preview.attachments ? preview.attachments.map(fileText).join(", ") : listText(input.attachments)],
        ["Format", input.html && "HTML (shown below as its source)"],
        ["Quotes", preview.quoted && `the original under the signature, after “${preview.quoted}”`],
      ]),
      el("pre", { className: "email-body", "aria-label": "Email body" }, String(input.body ?? "")),
      signatureBlock(preview),
    ],
  });
}

// Who a mail is from and goes to, each a list or a header's text.
function addressRows(from, to, cc, bcc) {
  return [["From", from], ["To", listText(to)], ["Cc", listText(cc)], ["Bcc", listText(bcc)]];
}

// A saved draft is shown as it stands in Gmail now: that version, and only it, is sent.
function draftCard(input, { preview = {} }) {
  return {
    title: "Send this draft?",
    content: [
      fields([
        ...addressRows(preview.from, preview.to, preview.cc, preview.bcc),
        ["Subject", preview.subject || "(no subject)"],
        ["Attachments", preview.attachments?.length ? preview.attachments.map(fileText).join(", ") : ""],
        ["Format", preview.html && "HTML (shown below as its source)"],
      ]),
      el("pre", { className: "email-body", "aria-label": "Email body" }, String(preview.body ?? "")),
    ],
  };
}

// Gmail's signature goes under the body, so the card shows it there too.
function signatureBlock(preview) {
  return preview.signature ? el("pre", { className: "email-signature", "aria-label": "Signature" }, `-- \n${preview.signature}`) : null;
}

// What is forwarded comes from the original itself, by the server: the card names it and its files.
function forwardCard(input, { preview = {} }) {
  return {
    title: "Forward this email?",
    content: [
      fields([
        ...addressRows(preview.from, input.to, input.cc, input.bcc),
        ["Subject", preview.subject],
        ["Forwarding", preview.forwarding ? mailText(preview.forwarding) : `email ${input.message_id}`],
        ["Attachments", input.attachments === false ? "none" : preview.attachments && preview.attachments.map(fileText).join(", ")],
      ]),
      el("pre", { className: "email-body", "aria-label": "Your note" }, String(input.note ?? "")),
      signatureBlock(preview),
    ],
  };
}

// The event as it is now (for a change or a deletion), named rather than by id.
function eventRows(preview) {
  return [
    ["Event", preview.event],
    ["Now", preview.when],
    ["Repeats", preview.repeats && `${repeatText(preview.repeats)}: every occurrence`],
    ["Current guests", listText(preview.guests)],
    ["Calendar", preview.calendar],
  ];
}

// The file or folder as the person knows it, and who can already see it.
function fileRows(preview, fallback) {
  if (!preview.name) return [["File", fallback]];
  return [
    ["File", fileText(preview)],
    ["Holds", preview.items !== undefined && holdsText(preview)],
    ["Seen by", audienceText(preview)],
  ];
}

// What goes with a folder, its folders' items too: how many, and the first of them by name.
function holdsText(preview) {
  const names = (preview.item_names || []).map((name) => `“${name}”`);
  const rest = typeof preview.items === "number" ? preview.items - names.length : names.length && "more";
  const more = rest ? `, and ${rest === "more" ? "more" : `${rest} more`}` : "";
  return `${preview.items} items, which go with it${names.length ? `: ${names.join(", ")}${more}` : ""}`;
}

const isDate = (value) => /^\d{4}-\d\d-\d\d$/.test(String(value ?? ""));

// An all-day event's end date is the day after its last: the card names the last day.
function lastDay(end) {
  const day = new Date(`${end}T00:00:00Z`);
  if (!isDate(end) || Number.isNaN(day.getTime())) return formatTime(end);
  day.setUTCDate(day.getUTCDate() - 1);
  return formatTime(day.toISOString().slice(0, 10));
}

function endText(input, zone) {
  if (isDate(input.end)) return `all day, through ${lastDay(input.end)}`;
  if (input.end) return formatTime(input.end, zone);
  if (input.start && input.event_id) return "keeps its length";
  if (isDate(input.start)) return "all day";
  return input.start ? `${input.minutes || 60} minutes later` : "";
}

// An RRULE as words, e.g. "weekly on MO, WE, 10 times"; the rule itself when it says more than that.
function repeatText(rule) {
  if (!rule) return "";
  const parts = Object.fromEntries(String(rule).replace(/^RRULE:/, "").split(";").map((part) => part.split("=")));
  const every = { DAILY: "day", WEEKLY: "week", MONTHLY: "month", YEARLY: "year" }[parts.FREQ];
  const valid = {
    FREQ: () => every, INTERVAL: (v) => /^[1-9]\d*$/.test(v), COUNT: (v) => /^[1-9]\d*$/.test(v),
    BYDAY: (v) => /^([+-]?\d*(MO|TU|WE|TH|FR|SA|SU))(,[+-]?\d*(MO|TU|WE|TH|FR|SA|SU))*$/.test(v),
    UNTIL: (v) => /^\d{8}(T\d{6}Z?)?$/.test(v),
  };
  // Anything else, or a value that does not parse: the rule as written, never a wrong reading of it.
  if (Object.entries(parts).some(([key, value]) => !valid[key]?.(value))) return String(rule);
  const interval = Number(parts.INTERVAL || 1);
  return [
    interval > 1 ? `every ${interval} ${every}s` : `every ${every}`,
    parts.BYDAY && `on ${parts.BYDAY.split(",").join(", ")}`,
    parts.COUNT && `${parts.COUNT} times`,
    parts.UNTIL && `until ${formatTime(parts.UNTIL.slice(0, 4) + "-" + parts.UNTIL.slice(4, 6) + "-" + parts.UNTIL.slice(6, 8))}`,
  ].filter(Boolean).join(", ");
}

// Times without an offset are local to the event's zone, or to the person's calendar when the model
// gave none (the server names it); times with one are shown in that zone. The card names the zone it
// used: when none is known, a time with an offset is shown in this browser's. A zone the model gives
// becomes the event's: it is named even when it is all that changes.
function zoneText(input, zone) {
  if (input.time_zone) return input.time_zone;
  const times = [input.start, input.end].filter((value) => value && !isDate(value));
  if (!times.length) return "";
  if (zone) return zone;
  if (times.some(hasOffset)) return `${Intl.DateTimeFormat().resolvedOptions().timeZone} (this browser's)`;
  return "your calendar's time zone";
}

function eventCard(title) {
  return (input, { preview = {} }) => {
    const zone = input.time_zone || preview.time_zone;
    return {
      title,
      content: fields([
        ...(preview.event ? eventRows(preview) : [["Event", input.event_id]]),
        ["New title", input.event_id ? input.title : undefined],
        ["Title", input.event_id ? undefined : input.title],
        ["Starts", formatTime(input.start, zone)],
        ["Ends", endText(input, zone)],
        ["Repeats", repeatText(input.recurrence)],
        [input.event_id && input.time_zone ? "New time zone" : "Time zone", zoneText(input, zone)],
        ["Guests", listText(input.attendees)],
        ["Add guests", listText(input.add_attendees)],
        ["Remove guests", listText(input.remove_attendees)],
        ["Where", input.location],
        ["Details", input.description],
        ["Google Meet", input.meet && "add a Meet link"],
        // Said whenever there are guests to email, yes or no: a moved meeting must not surprise anyone.
        ["Email the guests", preview.guests || input.attendees?.length || input.add_attendees?.length ? yesNo(input.notify) : undefined],
      ]),
    };
  };
}

function shareCard(input, { preview = {} }) {
  const people = Array.isArray(input.people) ? input.people : [];
  return {
    title: "Share this file?",
    content: fields([
      ...fileRows(preview, input.file),
      ["With", listText(people)],
      ["Anyone with the link", input.link ? "yes, they can open it" : undefined],
      ["Role", input.role || "reader"],
      ["Email them", people.length ? yesNo(input.notify ?? true) : undefined],
      ["Note", input.message],
    ]),
  };
}

function unshareCard(input, { preview = {} }) {
  const people = Array.isArray(input.people) ? input.people : [];
  return {
    title: "Stop sharing this file?",
    content: fields([
      ...fileRows(preview, input.file),
      ["No longer for", listText(preview.removing || [...people, ...(input.link ? ["anyone with the link"] : [])])],
    ]),
  };
}

function deletionCard(title, rows) {
  return (input, action) => ({
    title,
    content: [action.summary ? el("p", {}, action.summary) : null, fields(rows(input, action.preview || {}))],
  });
}

// The emails a call acts on, by subject and sender.
function mailRows(input, preview) {
  if (!preview.messages) return [["Emails", listText(input.message_ids)]];
  const missing = preview.not_found?.length ? [`${preview.not_found.length} not found: ${preview.not_found.join(", ")}`] : [];
  return [["Emails", el("ul", { className: "plain" }, [...preview.messages.map(mailText), ...missing].map((t) => el("li", {}, t)))]];
}

// A write that reaches others (a shared folder or document) asks first; the card says who sees it.
// Rows for a sheet, cell by cell as they will be typed in.
function rowsTable(rows) {
  if (!Array.isArray(rows)) return listText(rows);
  const line = (row) => el("tr", {}, (Array.isArray(row) ? row : [row]).map((cell) => el("td", {}, String(cell ?? ""))));
  return el("table", { className: "cells" }, el("tbody", {}, rows.map(line)));
}

// Labels, read state and the Inbox belong to each email's whole conversation, as in Gmail; a star to the email alone.
function labelRows(input, preview) {
  const isNew = (name) => preview.new_labels?.includes(name);
  const added = (preview.labels_added || input.add_labels || []).map((name) => (isNew(name) ? `${name} (a new label)` : name));
  const starred = (input.add_labels || []).some((name) => String(name).trim().toUpperCase() === "STARRED");
  return [
    ["Mark as", { true: "read", false: "unread" }[input.read]],
    ["Archive", input.archive && "yes, out of the Inbox"],
    ["Add labels", listText(added)],
    ["Remove labels", listText(preview.labels_removed || input.remove_labels)],
    ["Applies to", `each email's whole conversation, as in Gmail${starred ? " (the star marks the email alone)" : ""}`],
  ];
}

// A task as the person knows it: its title, the task it is part of, its list, and where it was assigned
// to them if it was (a Doc or a Chat space, whose people see it): what a change or deletion does there.
const SHOWS_THERE = "the change shows there too, to everyone who sees it";
function taskRows(input, preview, there = SHOWS_THERE) {
  const link = openLink(preview.assigned_link, "open it");
  return [
    ["Task", preview.title || input.task_id],
    ["Subtask of", preview.parent],
    ["List", preview.list],
    ["Assigned in", preview.assigned_in && [preview.assigned_in, link && [" (", link, ")"], `: ${there}`]],
  ];
}
const DONE = { true: "done", false: "not done (reopen it)" };

function sharedWriteCard(title, rows) {
  return (input, { preview = {} }) => ({ title, content: fields(rows(input, preview)) });
}

function genericCard(input, action) {
  return {
    title: `Run ${action.tool}?`,
    content: el("pre", { className: "json-input", "aria-label": "Action input" }, JSON.stringify(input, null, 2)),
  };
}

const CARDS = {
  gmail_send: emailCard("Send this email?"),
  gmail_create_draft: emailCard("Save this draft?"),
  gmail_forward: forwardCard,
  gmail_send_draft: draftCard,
  calendar_create_event: eventCard("Create this event?"),
  calendar_update_event: eventCard("Change this event?"),
  calendar_respond: (i, { preview: p = {} }) => ({
    title: "Answer this invitation?",
    content: fields([
      ...(p.event ? eventRows(p) : [["Event", i.event_id]]),
      ["Answer", { accepted: "yes, I'll attend", declined: "no, I won't attend", tentative: "maybe" }[i.response] || i.response],
      ["Note to the organizer", i.comment],
      ["Who is told", p.organizer ? `the organizer, ${p.organizer}` : "the organizer"],
    ]),
  }),
  drive_share: shareCard,
  drive_unshare: unshareCard,
  gmail_trash: deletionCard("Move these emails to the trash?", mailRows),
  drive_delete: deletionCard("Move this file to the trash?", (i, p) => fileRows(p, i.file)),
  tasks_delete: deletionCard("Delete this task?", (i, p) => taskRows(i, p, "it is deleted there too, for everyone")),
  // Someone else's event is not cancelled: it leaves this calendar, declined, and only its organizer may be told.
  calendar_delete_event: (input, action) => (action.preview?.organizer
    ? deletionCard("Remove this invitation from your calendar?", (i, p) => [
      ...eventRows(p),
      ["Organizer", `${p.organizer} (their event stays for the other guests; you decline it)`],
      ["Tell the organizer", yesNo(i.notify ?? true)],
    ])
    : deletionCard("Delete this event?", (i, p) => [
      ...(p.event ? eventRows(p) : [["Event", i.event_id], ["Calendar", i.calendar]]),
      ["Email the guests", yesNo(i.notify ?? true)],
    ]))(input, action),
  drive_create_file: sharedWriteCard("Create this file?", (i, p) => [
    ["Name", i.name],
    ["Kind", i.kind],
    ["In folder", p.folder || i.folder],
    ["Seen by", p.folder && audienceText(p)],
    formulasRow(p),
    ["Content", i.content && el("pre", { className: "email-body" }, i.content)],
  ]),
  gmail_modify: sharedWriteCard("Change these emails?", (i, p) => [...mailRows(i, p), ...labelRows(i, p)]),
  docs_create: sharedWriteCard("Create this Google Doc?", (i, p) => [
    ["Title", i.name],
    ["In folder", p.folder],
    ["Seen by", p.folder && audienceText(p)],
    ["Text", el("pre", { className: "email-body", "aria-label": "Text of the Doc" }, String(i.markdown ?? ""))],
  ]),
  gmail_save_attachment: sharedWriteCard("Save this attachment to Drive?", (i, p) => [
    ["Attachment", p.attachment ? fileText(p.attachment) : listText(i)],
    ["Into folder", p.folder || i.folder || "My Drive"],
    ["Seen by", audienceText(p)],
  ]),
  drive_move: sharedWriteCard("Move this file?", (i, p) => [
    ...fileRows(p, i.file),
    ["To folder", p.folder || i.folder],
    ["Newly seen by", listText(p.newly_seen_by)],
    ["No longer seen by", listText(p.no_longer_seen_by)],
    ["New name", i.name],
  ]),
  drive_copy: sharedWriteCard("Copy this file?", (i, p) => [
    ["Copy of", p.name ? fileText(p) : i.file],
    ["Named", p.copy || i.name],
    ["Into folder", p.folder || i.folder],
    ["Seen by", p.folder && audienceText(p)],
    webFormulasRow(p),
  ]),
  sheets_append: sharedWriteCard("Add these rows?", (i, p) => [
    ...fileRows(p, i.spreadsheet),
    ["Sheet", p.sheet || i.sheet || "the first"],
    ["Rows", rowsTable(i.rows)],
    formulasRow(p),
    webFormulasRow(p),
  ]),
  docs_replace: sharedWriteCard("Change this document?", (i, p) => [
    ...fileRows(p, i.document),
    ["Replace", el("pre", { className: "email-body" }, String(i.find ?? ""))],
    ["With", el("pre", { className: "email-body" }, String(i.replace ?? ""))],
    ["Places", p.occurrences !== undefined && `${p.occurrences}${i.match_case ? ", matching case" : ", any case"}`],
  ]),
  tasks_add: sharedWriteCard("Add this task?", (i, p) => [
    ["Task", i.title],
    ["Due", formatTime(i.due)],
    ["List", p.list || i.task_list],
    ["Notes", i.notes],
  ]),
  tasks_update: sharedWriteCard("Change this task?", (i, p) => [
    ...taskRows(i, p),
    ["New title", i.title],
    ["New due date", i.clear_due ? "none: the due date is removed" : formatTime(i.due)],
    ["New notes", i.notes],
    ["Mark it", DONE[i.done]],
  ]),
  tasks_complete: sharedWriteCard("Mark this task done?", taskRows),
  docs_append: sharedWriteCard("Add to this document?", (i, p) => [
    ...fileRows(p, i.document),
    ["Text to add", el("pre", { className: "email-body" }, String(i.markdown ?? ""))],
  ]),
};

// A card that cannot be drawn from its input still asks, showing the input as it is: it must never
// keep the person from deciding on this action or on the ones after it.
function cardContent(action) {
  try {
    return (CARDS[action.tool] || genericCard)(action.input || {}, action);
  } catch {
    return genericCard(action.input || {}, action);
  }
}

// onDecide(action, decision, reason, card) resolves false when the decision was refused and can be
// made again; until then, and for good otherwise, the buttons stay disabled so nothing acts twice.
export function approvalCard(action, onDecide) {
  const { title, content } = cardContent(action);
  const reasonId = `reason-${action.id}`;
  const reason = el("input", { id: reasonId, type: "text", maxlength: 500, autocomplete: "off" });
  const approve = el("button", { type: "button", className: "primary" }, "Approve");
  const reject = el("button", { type: "button", className: "danger" }, "Reject");
  const card = el(
    "section",
    { className: "approval", "data-action-id": action.id, "aria-label": title },
    el("h3", {}, icon(serviceOf(action.tool)), title),
    content,
    el("div", { className: "decision" },
      el("label", { for: reasonId }, "Reason if you reject (optional)", reason),
      approve,
      reject),
  );
  const decide = async (decision) => {
    approve.disabled = reject.disabled = reason.disabled = true;
    const settled = await onDecide(action, decision, reason.value.trim(), card);
    if (!settled) approve.disabled = reject.disabled = reason.disabled = false;
  };
  approve.addEventListener("click", () => decide("approve"));
  reject.addEventListener("click", () => decide("reject"));
  return card;
}

export function markDecided(card, text) {
  const note = el("p", { className: "decided-note", role: "status", tabindex: "-1" }, text);
  // The button pressed goes with the decision block (and lost focus when it was disabled): the
  // keyboard carries on from the note in its place rather than from the top of the page.
  const place = document.activeElement;
  const keepPlace = !place || place === document.body || card.contains(place);
  card.classList.add("decided");
  card.querySelector(".decision").replaceWith(note);
  if (keepPlace) note.focus();
}
