interface ConversationTitle {
  id: string;
  title: string;
}

interface Props {
  conversations: ConversationTitle[];
  activeId: string | null;
  busy: boolean;
  onNew(): void;
  onSelect(id: string): void;
  onDelete(id: string): void;
}

export function Sidebar({ conversations, activeId, busy, onNew, onSelect, onDelete }: Props) {
  return (
    <nav className="sidebar" aria-label="Conversations">
      <div className="brand">Redraft</div>
      <button className="new" onClick={onNew} disabled={busy}>+ New conversation</button>
      <ul>
        {conversations.map((c) => (
          <li key={c.id} className={c.id === activeId ? 'active' : ''}>
            <button
              className="conversation"
              aria-current={c.id === activeId ? 'page' : undefined}
              onClick={() => onSelect(c.id)}
              disabled={busy && c.id !== activeId}
              title={c.title}
            >
              {c.title}
            </button>
            <button
              className="delete ghost"
              aria-label={`Delete conversation ${c.title}`}
              onClick={() => {
                if (confirm(`Delete “${c.title}”?`)) onDelete(c.id);
              }}
              disabled={busy && c.id === activeId}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <p className="privacy-note">Everything stays on this device.</p>
    </nav>
  );
}
