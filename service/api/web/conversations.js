// Conversations kept in this browser (localStorage): each is its questions and the answers
// as the service gave them, so a reload shows them again and follow-ups keep their history.

const STORE = "grounded-qa-conversations";
const MAX_CONVERSATIONS = 30;
const MAX_TURNS = 50;

export function loadConversations() {
  try {
    const stored = JSON.parse(localStorage.getItem(STORE) || "[]");
    return Array.isArray(stored) ? stored.filter((c) => c && Array.isArray(c.turns)) : [];
  } catch {
    return []; // unreadable: start afresh rather than break the page
  }
}

function write(conversations) {
  const kept = conversations.slice(0, MAX_CONVERSATIONS);
  try {
    localStorage.setItem(STORE, JSON.stringify(kept));
  } catch {
    // Storage full or off: drop the oldest half and try once more.
    try {
      localStorage.setItem(STORE, JSON.stringify(kept.slice(0, Math.ceil(kept.length / 2))));
    } catch {
      // Still no room: the conversation lives for this page only.
    }
  }
}

export function newConversation() {
  return { id: `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`, title: "", updated: Date.now(), turns: [] };
}

// Stores the conversation (most recent first); an empty one is not stored.
export function saveConversation(conversation) {
  const others = loadConversations().filter((c) => c.id !== conversation.id);
  if (conversation.turns.length === 0) {
    write(others);
    return;
  }
  conversation.turns = conversation.turns.slice(-MAX_TURNS);
  conversation.title = conversation.title || conversation.turns[0].question.slice(0, 80);
  conversation.updated = Date.now();
  write([conversation, ...others]);
}

// The user/assistant messages the service takes as `history`.
export function historyOf(conversation) {
  return conversation.turns.flatMap((turn) => [
    { role: "user", content: turn.question },
    { role: "assistant", content: turn.answer.answer },
  ]);
}
