// The chat page: composer, sidebar, and the flow of a task through
// POST /get_response, its live event stream and its approvals.
import * as api from "./api.js";
import { markDecided } from "./cards.js";
import { el } from "./dom.js";
import * as view from "./thread.js";

const $ = (id) => document.getElementById(id);
const form = $("composer");
const input = $("task");
const send = $("send");
const stop = $("stop");
const sidebar = $("sidebar");
const toggle = $("sidebar-toggle");

const page = {
  conversationId: null,
  waiting: null, // AbortController of the request the page is waiting on
  events: null, // EventSource of the run being followed
  opening: 0, // counts the conversations opened: a load answered after a later one is not shown
  acted: new Set(), // runs the person sent or decided on since the latest load began: newer than it
  listing: 0, // counts the sidebar's lists asked for: one answered after a later one is not shown
};

// --- busy state and Stop --------------------------------------------------------
function setBusy(busy) {
  send.disabled = busy;
  stop.hidden = !busy;
  document.body.classList.toggle("busy", busy);
}

// Why the page stopped waiting on its request when the person opened another conversation (or a new
// one): nothing is shown for that request, where Stop shows the conversation as the server has it.
const LEFT = "left the conversation";

// Stop only stops this page from waiting: the run carries on on the server and
// its result is shown the next time this conversation is opened.
function stopWaiting({ leaving = false } = {}) {
  page.waiting?.abort(leaving ? LEFT : undefined);
  page.waiting = null;
  closeEvents();
  setBusy(false);
  input.focus();
}

function closeEvents() {
  page.events?.close();
  page.events = null;
}

// --- following a run live ----------------------------------------------------------
const EVENT_TYPES = ["run_started", "thinking", "step_started", "step_finished", "waiting_for_approval", "run_finished"];

// `next`: a decision was just sent, so the stream waits for the leg it starts.
function followRun(run, runId, { next = false } = {}) {
  closeEvents();
  const source = api.runEvents(runId, { next });
  page.events = source;
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (message) => onRunEvent(run, JSON.parse(message.data)));
  }
  source.onerror = () => {
    if (source.readyState !== EventSource.CLOSED) return; // the browser reconnects by itself
    closeEvents();
    if (!page.waiting) setBusy(false);
  };
}

function onRunEvent(run, event) {
  if (event.type === "run_started" && !page.conversationId) {
    // A task that started a new conversation: show it in the sidebar and the address (for a reload) now.
    setConversation(event.conversation_id);
    refreshSidebar();
  }
  if (event.type === "thinking") view.showWorking(run, "Thinking…");
  if (event.type === "step_started") {
    view.upsertStep(run, { id: event.action_id, tool: event.tool, description: event.line, status: "running" });
  }
  if (event.type === "step_finished") view.upsertStep(run, { ...event, id: event.action_id });
  if (event.type === "waiting_for_approval") view.showWorking(run, "Waiting for your approval…");
  if (event.type === "run_finished" || event.type === "waiting_for_approval") {
    closeEvents();
    // A run the page followed without waiting on a request (after a reload): fetch its outcome.
    if (!page.waiting) showServerTruth(run);
  }
}

// A new run's id is chosen here, so its progress can be followed before the
// request answers (it answers when the run ends or pauses).
function newRunId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // a version 4 UUID, as the server expects
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

// --- talking to /get_response ------------------------------------------------------
const UNREACHABLE = "The server could not be reached. Check that it is running.";
const STOPPED = "Stopped waiting. The task carries on; its result appears here when you open this conversation again.";
const NOT_FOLLOWED = "Still running when this conversation loaded; its result appears here when you open it again.";

// Resolves to what became of the request: {kind: "done"} (its answer is shown), "refused" (an error
// is shown), "settled" (the action was decided before: `data.action`), "stopped" (Stop was pressed),
// "left" (the person opened another conversation) or "lost" (no answer came: the server may have
// acted on it all the same).
async function call(run, body, retry) {
  const controller = new AbortController();
  page.waiting = controller;
  page.acted.add(run); // a load still on its way is older than what this request shows of the run
  setBusy(true);
  const isTask = body.task !== undefined;
  if (run.dataset.runId) followRun(run, run.dataset.runId, { next: !isTask });
  let result;
  try {
    const runId = isTask ? run.dataset.runId : undefined;
    result = await api.getResponse({ ...body, run_id: runId, conversation_id: page.conversationId || undefined },
      controller.signal);
  } catch {
    if (!controller.signal.aborted) return { kind: "lost" };
    if (controller.signal.reason === LEFT) return { kind: "left" };
    view.showWorking(run, STOPPED);
    return { kind: "stopped" };
  } finally {
    if (page.waiting === controller) {
      page.waiting = null;
      closeEvents();
      setBusy(false);
    }
  }
  return { kind: handleResult(run, result, retry), data: result.data };
}

function handleResult(run, { ok, status, data }, retry) {
  if (data.conversation_id) setConversation(data.conversation_id);
  refreshSidebar();
  if (data.resume) {
    // Claude stayed unreachable: the request was recorded, and the run can carry on from there.
    renderRun(run, data);
    return "done";
  }
  if (status === 409 && data.action) return "settled";
  if (status === 409 && data.run?.conversation_id) {
    // The server already has this task's run (its first answer was lost): show that run, never a second one.
    showServerTruth(run, { id: data.run.conversation_id });
    return "done";
  }
  if (!ok) {
    view.showError(run, data.error || "Something went wrong.", { retry, loginUrl: data.login_url });
    return "refused";
  }
  renderRun(run, data);
  if (data.status === "running") {
    // Carried on by another driver (another tab's approval, another server process): follow it to its end.
    setBusy(true);
    followRun(run, data.run_id);
  }
  return "done";
}

function resume(run) {
  const attempt = async () => {
    const { kind } = await call(run, { resume: run.dataset.runId }, attempt);
    if (kind === "lost") view.showError(run, UNREACHABLE, { retry: attempt });
  };
  view.showWorking(run, "Resuming…");
  return attempt();
}

function renderRun(run, data) {
  if (data.run_id) run.dataset.runId = data.run_id;
  for (const action of data.actions || []) view.upsertStep(run, action);
  if (data.status === "interrupted") {
    view.showError(run, `${data.error || "This task was interrupted."} Everything done so far is kept.`,
      { retry: () => resume(run), retryLabel: "Resume" });
  } else if (data.status === "needs_approval") {
    view.showApprovals(run, data.actions || [], decide);
    view.showWorking(run, "Waiting for your approval…");
  } else if (data.status === "running") {
    view.showWorking(run);
  } else if (data.status === "failed" && !data.reply) {
    view.showError(run, data.error || "This task failed.");
  } else {
    view.showReply(run, data);
  }
}

function submitTask(task) {
  const run = view.addRun(task);
  // Chosen once for every attempt: sent again after a lost answer, the server knows the task by it and
  // points to the run it already started instead of doing the task twice.
  run.dataset.runId = newRunId();
  const attempt = async () => {
    view.showWorking(run);
    const { kind } = await call(run, { task }, attempt);
    if (kind === "lost") view.showError(run, UNREACHABLE, { retry: attempt });
  };
  return attempt();
}

const SETTLED_LABELS = { approved: "Already approved", done: "Already done", failed: "Already tried: it failed", rejected: "Already rejected" };

// Called by an approval card; resolves true once the card is spent (decided, or found decided).
async function decide(action, decision, reason, card) {
  const run = card.closest(".run");
  const body = decision === "approve" ? { approve: [action.id] } : { reject: [action.id], reason: reason || undefined };
  const attempt = async () => {
    view.showWorking(run, decision === "approve" ? "Approved. Working…" : "Rejected. Telling the agent…");
    const { kind, data } = await call(run, body, attempt);
    if (kind === "done") markDecided(card, decision === "approve" ? "Approved" : `Rejected${reason ? `: ${reason}` : ""}`);
    if (kind === "settled") markDecided(card, SETTLED_LABELS[data.action.status] || `Already ${data.action.status}`);
    // The action may have run without this page hearing of it: the card must not offer it again.
    // The conversation as the server has it shows what became of it (Stop: without following the run).
    if (kind === "settled" || kind === "lost") await showServerTruth(run);
    if (kind === "stopped") await showServerTruth(run, { follow: false });
    return kind !== "refused";
  };
  return attempt();
}

// When the conversation cannot be loaded, the run says so and offers to try again; the page stays in
// the conversation (its address too), so nothing the server did is lost from view.
async function showServerTruth(run, { id = page.conversationId, follow = true } = {}) {
  const problem = await openConversation(id, { follow });
  if (!problem) return;
  view.showError(run, problem, { retry: () => showServerTruth(run, { id, follow }) });
}

// --- conversations ---------------------------------------------------------------------
function setConversation(id) {
  page.conversationId = id;
  history.replaceState(null, "", id ? `#c=${encodeURIComponent(id)}` : location.pathname);
  for (const button of $("conversation-list").querySelectorAll("button")) {
    button.setAttribute("aria-current", String(button.dataset.id === id));
  }
}

// `follow`: false after Stop, so a running run is shown but not waited on. Resolves to what kept the
// conversation from being shown (no answer, or an error answer: the thread is left as it was), or
// to nothing: shown, gone (a new conversation starts), or another one was opened since.
async function openConversation(id, { follow = true } = {}) {
  stopWaiting({ leaving: true });
  const opening = ++page.opening;
  page.acted.clear();
  // The page is in this conversation from now on: a task sent before it has loaded goes to it.
  setConversation(id);
  let answer;
  try {
    answer = await api.loadConversation(id);
  } catch {
    answer = null;
  }
  if (opening !== page.opening) return null; // the person went on to another conversation: theirs is shown
  if (!answer) return UNREACHABLE;
  const { ok, status, data } = answer;
  if (status === 404) {
    setConversation(null);
    return null;
  }
  if (!ok) return `The conversation could not be loaded. ${data.error || `The server answered ${status}.`}`;
  showConversation(data, follow);
  return null;
}

// The conversation as loaded, but for the runs the person sent or decided on while it loaded: the load
// may have been answered before them, and the page is waiting on them or has their answer. They stay as
// the page has them, in their place among the loaded runs, or after them when the load does not have them.
function showConversation(data, follow) {
  const acted = new Map([...page.acted].map((run) => [run.dataset.runId, run]));
  // Loaded runs go in front of the first run kept; after it, once the load has come to it.
  let next = view.clearThread([...acted.values()])[0] || null;
  for (const runData of data.runs || []) {
    const kept = acted.get(runData.run_id);
    if (kept) next = kept.nextElementSibling;
    else showLoadedRun(runData, follow, next);
  }
}

function showLoadedRun(runData, follow, before) {
  const run = view.addRun(runData.task, { before });
  renderRun(run, runData);
  if (runData.status !== "running") return;
  if (!follow) {
    view.showWorking(run, STOPPED);
  } else if (page.waiting || page.events) {
    // The page follows one run: the person's own, sent while this loaded (the load may be older than the
    // end of this one), keeps its live progress.
    view.showWorking(run, NOT_FOLLOWED);
  } else {
    setBusy(true);
    followRun(run, run.dataset.runId);
  }
}

// Opened by the person (the sidebar, the address). The thread empties at once, so a task typed before the
// conversation has loaded is seen to go to it; a conversation that fails to load says so.
async function openFromList(id) {
  if (id !== page.conversationId) view.clearThread();
  const problem = await openConversation(id);
  if (problem) view.showThreadError(problem, () => openFromList(id));
}

function newConversation() {
  stopWaiting({ leaving: true });
  page.opening++; // a conversation still loading is not shown over the new one
  view.clearThread();
  setConversation(null);
  closeSidebar();
  input.focus();
}

async function refreshSidebar() {
  const listing = ++page.listing;
  const { ok, data } = await api.listConversations();
  // A list asked for earlier may come last, without the conversation a task has just started.
  if (!ok || listing !== page.listing) return;
  const items = (data.conversations || []).map((c) =>
    el("li", {}, el("button", {
      type: "button",
      "data-id": c.id,
      "aria-current": String(c.id === page.conversationId),
      onClick: () => { closeSidebar(); openFromList(c.id); },
    }, c.title || "Untitled conversation")));
  $("conversation-list").replaceChildren(...items);
}

function closeSidebar({ refocus = false } = {}) {
  sidebar.classList.remove("open");
  toggle.setAttribute("aria-expanded", "false");
  if (refocus) toggle.focus();
}

// --- wiring -------------------------------------------------------------------------------
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const task = input.value.trim();
  if (!task || send.disabled) return;
  input.value = "";
  submitTask(task);
});

input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
});

stop.addEventListener("click", () => stopWaiting());
$("new-conversation").addEventListener("click", newConversation);
$("sidebar-close").addEventListener("click", () => closeSidebar({ refocus: true }));
toggle.addEventListener("click", () => {
  const open = sidebar.classList.toggle("open");
  toggle.setAttribute("aria-expanded", String(open));
  if (open) $("new-conversation").focus();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && sidebar.classList.contains("open")) closeSidebar({ refocus: true });
});

const restored = new URLSearchParams(location.hash.slice(1)).get("c");
refreshSidebar();
if (restored) openFromList(restored);
