// The app's JSON API: POST /get_response, the conversations, a run's events.

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

// Resolves to {ok, status, data}; rejects only on network failure or abort.
async function request(url, options = {}) {
  const response = await fetch(url, { credentials: "same-origin", ...options });
  let data = {};
  try {
    data = await response.json();
  } catch {
    data = { error: `The server answered ${response.status} without JSON.` };
  }
  return { ok: response.ok, status: response.status, data };
}

export function getResponse(body, signal) {
  return request("/get_response", {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
    signal,
  });
}

export const listConversations = () => request("/conversations");

export const loadConversation = (id) => request(`/conversations/${encodeURIComponent(id)}`);

export function runEvents(runId, { next = false } = {}) {
  return new EventSource(`/runs/${encodeURIComponent(runId)}/events${next ? "?next=1" : ""}`);
}
