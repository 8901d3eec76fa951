// Approval cards: exactly what an action will do, before it is done.
// Every value is inserted as text; an email body is shown verbatim in a <pre>.
import { el, formatTime, icon, listText, serviceOf } from "./dom.js";

const hasValue = (value) => value !== undefined && value !== null && value !== "" && value !== false;
const yesNo = (value) => (value === undefined || value === null ? undefined : value ? "yes" : "no");

function fields(rows) {
  const shown = rows.filter(([, value]) => hasValue(value));
  return el("dl", { className: "fields" }, shown.map(([label, value]) => [el("dt", {}, label), el("dd", {}, value)]));
}

function emailCard(title) {
  return (input) => ({
    title,
    content: [
      fields([
        ["To", listText(input.to) || (input.reply_to_message_id ? "the sender of the original" : "")],
        ["Cc", listText(input.cc)],
        ["Bcc", listText(input.bcc)],
        ["Subject", input.subject || (input.reply_to_message_id ? "(the original's subject)" : "(no subject)")],
        ["Reply to", input.reply_to_message_id && `email ${input.reply_to_message_id}, in its thread`],
        ["Attachments", listText(input.attachments)],
        ["Format", input.html && "HTML (shown below as its source)"],
      ]),
      el("pre", { className: "email-body", "aria-label": "Email body" }, String(input.body ?? "")),
    ],
  });
}

// Times without an offset are local to the event's zone, or to the person's
// calendar when the model gave none; the card says which.
function eventCard(title) {
  return (input) => {
    const zone = input.time_zone;
    const duration = input.start && !input.end && !input.event_id ? `${input.minutes || 60} minutes later` : "";
    return {
      title,
      content: fields([
        ["Title", input.title],
        ["Event", input.event_id],
        ["Starts", formatTime(input.start, zone)],
        ["Ends", input.end ? formatTime(input.end, zone) : duration],
        ["Time zone", zone || (input.start ? "your calendar's time zone" : "")],
        ["Guests", listText(input.attendees)],
        ["Add guests", listText(input.add_attendees)],
        ["Remove guests", listText(input.remove_attendees)],
        ["Where", input.location],
        ["Details", input.description],
        ["Google Meet", input.meet && "add a Meet link"],
        ["Email the guests", yesNo(input.notify)],
      ]),
    };
  };
}

function shareCard(input) {
  return {
    title: "Share this file?",
    content: fields([
      ["File", input.file],
      ["With", input.email],
      ["Role", input.role || "reader"],
      ["Note", input.message],
    ]),
  };
}

function deletionCard(title, rows) {
  return (input, action) => ({
    title,
    content: [action.summary ? el("p", {}, action.summary) : null, fields(rows(input))],
  });
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
  calendar_create_event: eventCard("Create this event?"),
  calendar_update_event: eventCard("Change this event?"),
  drive_share: shareCard,
  gmail_trash: deletionCard("Move these emails to the trash?", (i) => [["Emails", listText(i.message_ids)]]),
  drive_delete: deletionCard("Move this file to the trash?", (i) => [["File", i.file]]),
  calendar_delete_event: deletionCard("Delete this event?", (i) => [
    ["Event", i.event_id],
    ["Calendar", i.calendar],
    ["Email the guests", yesNo(i.notify ?? true)],
  ]),
};

// onDecide(action, decision, reason, card) returns a promise; the buttons stay
// disabled until it settles so a double click cannot act twice.
export function approvalCard(action, onDecide) {
  const build = CARDS[action.tool] || genericCard;
  const { title, content } = build(action.input || {}, action);
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
  card.classList.add("decided");
  card.querySelector(".decision").replaceWith(el("p", { className: "decided-note", role: "status" }, text));
}
