// The page: the conversations, the bar, what the page has to say, the messages, the files and
// the message box; panels over it. Each part subscribes to the state it shows (app/stores/select.ts).

import { useCallback, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { answerSettings, loadChosenModel } from './answer-settings';
import { AboutPanel } from './components/AboutPanel';
import { AlignmentPanel } from './components/AlignmentPanel';
import { Attachments } from './components/Attachments';
import { ChatComposer } from './components/ChatComposer';
import { MessageList } from './components/MessageList';
import { ModelManager } from './components/ModelManager';
import { NetworkPanel } from './components/NetworkPanel';
import { Sidebar } from './components/Sidebar';
import { StatusBanners } from './components/StatusBanners';
import { TopBar, type ImportStatus } from './components/TopBar';
import { useAppLifecycle } from './hooks/useAppLifecycle';
import { useFileAdder } from './hooks/useFileAdder';
import { useChat } from './stores';
import { useModel } from './stores/model';
import { alignSettingsOf, filesOf, isBusy, titlesOf } from './stores/select';

type Panel = 'models' | 'network' | 'about' | null;

export function App() {
  useAppLifecycle();
  const [panel, setPanel] = useState<Panel>(null);
  const [showAlign, setShowAlign] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [importStatus, setImportStatus] = useState<ImportStatus>(null);
  const files = useFileAdder();
  const ready = useModel((s) => !!s.loaded);
  const busy = useChat(isBusy);
  const activeId = useChat((s) => s.activeId);
  const openModels = useCallback(() => setPanel('models'), []);
  const close = useCallback(() => setPanel(null), []);

  return (
    <div className="app">
      <ConversationList />
      <main
        className={`chat${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          if (![...e.dataTransfer.types].includes('Files')) return;
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={(e) => {
          if (e.currentTarget === e.target) setDragging(false);
        }}
        onDrop={(e) => {
          if (!e.dataTransfer.files.length) return;
          e.preventDefault();
          setDragging(false);
          void files.add([...e.dataTransfer.files]);
        }}
      >
        <TopBar alignOpen={showAlign} onToggleAlign={() => setShowAlign((v) => !v)} onOpen={setPanel} onImported={setImportStatus} />
        {showAlign && <ChecksPanel key={activeId ?? 'new'} onClose={() => setShowAlign(false)} />}
        <StatusBanners importStatus={importStatus} onDismissImport={() => setImportStatus(null)} onOpenModels={openModels} />
        <MessageList store={useChat} ready={ready} settings={answerSettings} />
        <Attachments
          files={useChat(filesOf)}
          reading={files.reading}
          errors={files.errors}
          busy={busy}
          onAdd={(f) => void files.add(f)}
          onRemove={(id) => void useChat.getState().detach(id)}
          onDismissErrors={files.dismissErrors}
        />
        <ChatComposer readingFiles={files.reading.length > 0} />
      </main>
      {panel === 'network' && <NetworkPanel onClose={close} />}
      {panel === 'about' && <AboutPanel onClose={close} />}
      {panel === 'models' && <ModelManager onClose={close} onLoad={(spec) => void loadChosenModel(spec)} />}
    </div>
  );
}

/** The conversations, by title; it does not change while an answer streams. */
function ConversationList() {
  const flat = useChat(useShallow(titlesOf));
  const activeId = useChat((s) => s.activeId);
  const busy = useChat(isBusy);
  const conversations = [];
  for (let i = 0; i < flat.length; i += 2) conversations.push({ id: flat[i], title: flat[i + 1] });
  const chat = useChat.getState();
  return (
    <Sidebar
      conversations={conversations}
      activeId={activeId}
      busy={busy}
      onNew={chat.newConversation}
      onSelect={chat.select}
      onDelete={(id) => void chat.remove(id)}
    />
  );
}

/** The sentence loop's settings of the active conversation. */
function ChecksPanel({ onClose }: { onClose(): void }) {
  const align = useChat(alignSettingsOf);
  return <AlignmentPanel settings={align} onChange={(patch) => void useChat.getState().setAlign(patch)} onClose={onClose} />;
}
