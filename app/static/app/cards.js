// Approval cards: exactly what an action will do, before it is done.
// Every value is inserted as text; an email body is shown verbatim in a <pre>.
import { el, formatTime, icon, listText, serviceOf } from "./dom.js";

const pick = (input, ...names) => names.map((name) => input[name]).find((v) => v !== undefined && v !== null && v !== "");

function fields(rows) {
  const shown = rows.filter(([, value]) => value !== undefined && value !== null && value !== "");
  return el("dl", { className: "fields" }, shown.map(([label, value]) => [el("dt", {}, label), el("dd", {}, value)]));
}

function emailCard(input) {
  const body = pick(input, "body", "text", "message") ?? "";
  return {
    title: "Send this email?",
    content: [
      fields([
        ["To", listText(pick(input, "to", "recipients"))],
        ["Cc", listText(input.cc)],
        ["Bcc", listText(input.bcc)],
        ["Subject", pick(input, "subject") ?? (input.reply_to_message_id ? "(the original's subject)" : "(no subject)")],
        ["Reply to", input.reply_to_message_id ? `email ${input.reply_to_message_id}, in its thread` : undefined],
        ["Attachments", listText(pick(input, "attachments", "attachment_ids", "files"))],
        ["Format", input.html ? "HTML (shown below as its source)" : undefined],
      ]),
      el("pre", { className: "email-body", "aria-label": "Email body" }, String(body)),
    ],
  };
}

function eventCard(input, action, verb) {
  const zone = pick(input, "time_zone", "timezone", "timeZone");
  return {
    title: `${verb} this event?`,
    content: fields([
      ["Title", pick(input, "title", "summary")],
      ["Starts", formatTime(pick(input, "start", "start_time"), zone)],
      ["Ends", formatTime(pick(input, "end", "end_time"), zone)],
      ["Time zone", zone],
      ["Guests", listText(pick(input, "guests", "attendees"))],
      ["Where", pick(input, "location")],
      ["Event", pick(input, "event_id")],
    ]),
  };
}

function shareCard(input) {
  return {
    title: "Share this file?",
    content: fields([
      ["File", pick(input, "file_name", "name", "title", "file_id", "fileId")],
      ["With", listText(pick(input, "email", "emails", "person", "with", "emailAddress"))],
      ["Role", pick(input, "role") ?? "reader"],
      ["Notify", input.notify === false ? "no" : undefined],
    ]),
  };
}

function deletionCard(what) {
  return (input, action) => ({
    title: `Delete ${what}?`,
    content: [
      action.summary ? el("p", {}, action.summary) : null,
      fields(Object.entries(input).map(([key, value]) => [key, listText(value)])),
    ],
  });
}

function genericCard(input, action) {
  return {
    title: `Run ${action.tool}?`,
    content: el("pre", { className: "json-input", "aria-label": "Action input" }, JSON.stringify(input, null, 2)),
  };
}

const CARDS = {
  gmail_send: emailCard,
  gmail_reply: emailCard,
  gmail_forward: emailCard,
  calendar_create_event: (input, action) => eventCard(input, action, "Create"),
  calendar_update_event: (input, action) => eventCard(input, action, "Change"),
  drive_share: shareCard,
  gmail_trash: deletionCard("this email (move it to the trash)"),
  drive_delete: deletionCard("this file"),
  calendar_delete_event: deletionCard("this event"),
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
