// The conversation thread: one <li class="run"> per task, holding the task,
// its progress lines, approval cards and the reply.
import { approvalCard } from "./cards.js";
import { el, icon, openLink, serviceOf } from "./dom.js";

const thread = document.getElementById("thread");

const STATE_LABELS = {
  pending: "Waiting for your approval",
  approved: "Approved",
  running: "Working…",
  done: "Done",
  failed: "Failed",
  rejected: "Rejected",
};

// `keep`: runs that stay in the page as they are (and keep what is being typed or pressed in them).
// Returns them, in the order they are shown.
export function clearThread(keep = []) {
  for (const item of [...thread.children]) if (!keep.includes(item)) item.remove();
  return [...thread.children];
}

// A conversation that could not be opened: said below what the thread shows, with Retry.
export function showThreadError(message, retry) {
  const line = el("div", { className: "error-line", role: "alert" }, el("span", {}, message),
    el("button", { type: "button", onClick: () => { item.remove(); retry(); } }, "Retry"));
  const item = el("li", { className: "run" }, el("div", { className: "outcome" }, line));
  thread.append(item);
  line.querySelector("button").focus();
}

// `before`: the run it goes in front of (a run the person sent while the runs before it loaded).
export function addRun(task, { before = null } = {}) {
  const run = el("li", { className: "run" },
    el("div", { className: "message task" }, el("span", { className: "visually-hidden" }, "You: "), task),
    el("ol", { className: "progress", "aria-label": "Progress" }),
    el("div", { className: "approvals" }),
    el("div", { className: "outcome" }));
  document.getElementById("welcome")?.remove();
  thread.insertBefore(run, before);
  thread.lastElementChild.scrollIntoView({ block: "end" }); // the newest run stays in view
  return run;
}

export function findRun(runId) {
  return thread.querySelector(`.run[data-run-id="${CSS.escape(runId)}"]`);
}

export function showWorking(run, text = "Working…") {
  const outcome = run.querySelector(".outcome");
  outcome.replaceChildren(el("p", { className: "run-status", role: "status" }, text));
}

// A progress line, keyed by action id so later updates replace it in place.
export function upsertStep(run, step) {
  const list = run.querySelector(".progress");
  const key = step.id || `${step.tool}-${list.children.length}`;
  const old = list.querySelector(`[data-step="${CSS.escape(key)}"]`);
  // The live stream says what a step does ("Searching Gmail for 'Q3'"); later updates keep that line.
  const description = step.description || step.line || old?.dataset.line || "";
  const line = el("li", { className: "step", "data-step": key, "data-line": description },
    icon(serviceOf(step.tool)),
    el("span", { className: "what" }, stepText({ ...step, description })),
    step.status ? el("span", { className: `state ${step.status}` }, STATE_LABELS[step.status] || step.status) : null,
    openLink(step.link),
    step.error ? el("span", { className: "step-error" }, step.error) : null);
  old ? old.replaceWith(line) : list.append(line);
}

function stepText(step) {
  if (step.status === "done" && step.summary) return step.summary;
  return step.description || step.summary || humanize(step.tool);
}

const humanize = (tool) => String(tool || "Working").replace(/_/g, " ").replace(/^\w/, (c) => c.toUpperCase());

export function addNote(run, text) {
  run.querySelector(".progress").append(el("li", { className: "step note" }, icon("agent"), el("span", { className: "what" }, text)));
}

export function showApprovals(run, actions, onDecide) {
  const box = run.querySelector(".approvals");
  for (const action of actions.filter((a) => a.status === "pending")) {
    if (!box.querySelector(`[data-action-id="${CSS.escape(action.id)}"]`)) box.append(approvalCard(action, onDecide));
  }
}

// reply_html is sanitised by the server (and the CSP blocks script and
// remote loads even if it were not); everything else goes in as text.
export function showReply(run, result) {
  const outcome = run.querySelector(".outcome");
  const body = el("div", { className: "reply-body" });
  if (result.reply_html) {
    body.innerHTML = result.reply_html;
    for (const a of body.querySelectorAll("a")) {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
    }
  } else {
    body.append(el("p", {}, result.reply || ""));
  }
  outcome.replaceChildren(el("div", { className: "message reply" },
    el("span", { className: "visually-hidden" }, "Assistant: "),
    result.thought ? el("p", { className: "thought" }, result.thought) : null,
    body));
}

export function showError(run, message, { retry, retryLabel = "Retry", loginUrl } = {}) {
  const line = el("div", { className: "error-line", role: "alert" }, el("span", {}, message));
  const login = loginUrl && loginUrl.startsWith("/") ? el("a", { className: "button", href: loginUrl }, "Connect Google") : null;
  if (login) line.append(login);
  if (retry) {
    line.append(el("button", { type: "button", onClick: () => { line.remove(); retry(); } }, retryLabel));
  }
  run.querySelector(".outcome").replaceChildren(line);
  line.querySelector("button")?.focus();
}
