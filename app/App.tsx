import { useCallback, useEffect, useRef, useState } from 'react';
import { BUNDLED_MODEL, CHECKS, DownloadCancelledError, type ErrorAction, type ModelSpec } from '../workers/protocol';
import { llmBridge } from './bridges/llm';
import { Attachments } from './components/Attachments';
import { Composer } from './components/Composer';
import { ErrorBanner } from './components/ErrorBanner';
import { MessageView } from './components/MessageView';
import { ModelManager } from './components/ModelManager';
import { AboutPanel } from './components/AboutPanel';
import { NetworkPanel } from './components/NetworkPanel';
import { Sidebar } from './components/Sidebar';
import { AlignmentPanel } from './components/AlignmentPanel';
import { useChat } from './stores';
import { alignOf, type AnswerSettings } from './stores/chat';
import { FileReadError, readAttachment } from './files';
import { downloadJson, exportTrail, parseExport, trailFileName } from './trail-io';
import type { ImportSummary } from './stores/chat';
import type { Conversation } from './types';
import { onDeviceLost, useModel } from './stores/model';
import { resetAligner } from './stores/aligner';
import { useOffline } from './stores/offline';
import { useSettings } from './stores/settings';

function answerSettings(): AnswerSettings {
  const s = useSettings.getState();
  return {
    sampling: { temperature: s.temperature, topK: 40, topP: 0.95 },
    maxNewTokens: s.maxNewTokens,
    systemPrompt: s.systemPrompt,
    seed: s.seed,
  };
}

const download = (c: Conversation) => downloadJson(exportTrail(c), trailFileName(c));

function describeImport(s: ImportSummary): string {
  const n = (k: number, one: string) => `${k} ${one}${k === 1 ? '' : 's'}`;
  const parts = [`Imported ${n(s.added + s.copied, 'conversation')}`];
  if (s.unchanged) parts.push(`${s.unchanged} already here, unchanged`);
  if (s.copied) parts.push(`${s.copied} added as a copy because a different conversation with the same id is here (nothing was replaced)`);
  return `${parts.join('; ')}.`;
}


async function loadModel(spec: ModelSpec) {
  const settings = useSettings.getState();
  const previous = settings.model;
  const ok = await useModel.getState().load(spec, settings.backend);
  if (ok) {
    await settings.update({ model: spec });
  } else if (useModel.getState().error instanceof DownloadCancelledError && previous.id !== spec.id) {
    // Cancelling stops the worker, which held the previous model: bring that one back.
    await useModel.getState().load(previous, settings.backend);
    useModel.setState({ error: new DownloadCancelledError(spec.id) });
  }
}


/** Whether a scrolled list shows its end. */
const atEnd = (el: HTMLElement) => el.scrollHeight - el.scrollTop - el.clientHeight < 48;
/** Whether the reader moved the list up since it was left at `followedTop` (a list that got
 * shorter, by a rewound sentence, moves up by itself and is still at its end). */
const scrolledUp = (el: HTMLElement, followedTop: number | null) =>
  followedTop !== null && el.scrollTop < followedTop - 2 && !atEnd(el);

export function App() {
  const chat = useChat();
  const model = useModel();
  const offline = useOffline();
  const settings = useSettings();
  const [showModels, setShowModels] = useState(false);
  const [showAlign, setShowAlign] = useState(false);
  const [showNetwork, setShowNetwork] = useState(false);
  const [showAbout, setShowAbout] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [reading, setReading] = useState<string[]>([]);
  const [fileErrors, setFileErrors] = useState<string[]>([]);
  const [importError, setImportError] = useState<string | null>(null);
  const [importNote, setImportNote] = useState<string | null>(null);
  const importInput = useRef<HTMLInputElement>(null);
  const bottom = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      await Promise.all([useSettings.getState().hydrate(), useChat.getState().hydrate()]);
      if (cancelled) return;
      const { backend, model: spec } = useSettings.getState();
      await useModel.getState().detectBackend(backend);
      if (!cancelled) await useModel.getState().load(spec, backend);
    })();
    // The llm worker died (crash, out of memory): the bridge starts a fresh one on the next call,
    // so load the model into it again at once. The answer it was writing keeps its text and is
    // marked as failed by the chat store. A worker that dies again within a minute is left down,
    // with the error and its Retry button, rather than reloaded in a loop.
    let lastCrash = 0;
    const off = llmBridge.onCrash((err) => {
      useModel.getState().markUnloaded(err);
      const now = Date.now();
      const again = now - lastCrash < 60_000;
      lastCrash = now;
      if (!again) void useModel.getState().load(useSettings.getState().model, useSettings.getState().backend);
    });
    // The GPU was reset: the device, and everything on it, is gone for good. End the worker (the
    // answer in flight keeps its text, marked failed) and load the model into a fresh one; with
    // the backend on automatic, that falls back to WASM when no GPU adapter is left.
    const offLost = onDeviceLost((err) => {
      useModel.getState().markUnloaded(err);
      llmBridge.terminate(err);
      resetAligner(err);
      void useModel.getState().load(useSettings.getState().model, useSettings.getState().backend);
    });
    return () => {
      cancelled = true;
      offLost();
      off();
    };
  }, []);

  // A backend change takes effect at once: detect again and reload the current model.
  const appliedBackend = useRef<string | null>(null);
  useEffect(() => {
    if (!settings.loaded) return;
    const previous = appliedBackend.current;
    appliedBackend.current = settings.backend;
    if (previous === null || previous === settings.backend) return;
    void (async () => {
      await useModel.getState().detectBackend(settings.backend);
      await useModel.getState().load(useSettings.getState().model, settings.backend);
    })();
  }, [settings.backend, settings.loaded]);

  const conversation = chat.conversations.find((c) => c.id === chat.activeId);
  const busy = chat.streamingId !== null;
  const lastContent = conversation?.messages.at(-1)?.content;

  // Follow the answer as it grows, unless the reader has scrolled up to read something else.
  // Where the list was left by the last follow is remembered, so that a reader's scroll is seen
  // at the next token even when its scroll event has not been delivered yet.
  const list = useRef<HTMLElement>(null);
  const following = useRef(true);
  const followedTop = useRef<number | null>(null);
  const follow = () => {
    bottom.current?.scrollIntoView({ block: 'end' });
    followedTop.current = list.current?.scrollTop ?? null;
  };
  useEffect(() => {
    const el = list.current;
    if (el && scrolledUp(el, followedTop.current)) following.current = false;
    if (following.current) follow();
  }, [lastContent]);
  useEffect(() => {
    following.current = true;
    follow();
  }, [conversation?.messages.length, chat.activeId]);
  const onScroll = () => {
    const el = list.current;
    if (!el) return;
    following.current = atEnd(el);
    if (following.current) followedTop.current = el.scrollTop;
  };

  // Esc stops the answer from anywhere on the page.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && useChat.getState().streamingId) void useChat.getState().stop();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onAction = useCallback((action: ErrorAction) => {
    useModel.getState().dismissError();
    useChat.getState().dismissError();
    switch (action) {
      case 'use-bundled-model':
        void loadModel(BUNDLED_MODEL.spec);
        break;
      case 'use-wasm':
        void useSettings.getState().update({ backend: 'wasm' });
        break;
      case 'reload-model':
        void loadModel(useSettings.getState().model);
        break;
      case 'retry':
        if (!useModel.getState().loaded) void loadModel(useSettings.getState().model);
        else void useChat.getState().regenerate(answerSettings());
        break;
      case 'new-conversation':
        useChat.getState().newConversation();
        break;
      case 'free-storage':
        setShowModels(true);
        break;
    }
  }, []);

  const error = chat.error ?? model.error;
  const ready = !!model.loaded;
  // A message sent while the model loads waits in the box and goes when the model is ready.
  const [queued, setQueued] = useState(false);
  useEffect(() => {
    if (queued && ready && !reading.length && !busy) {
      setQueued(false);
      void chat.send(answerSettings());
    }
  }, [queued, ready, reading.length, busy, chat]);
  const lastAssistant = conversation?.messages.findLastIndex((m) => m.role === 'assistant') ?? -1;
  const align = alignOf(conversation, chat.nextAlign);

  /** Reads the files one by one into the conversation; a file that cannot be read is named with the reason and changes nothing. */
  const addFiles = async (files: File[]) => {
    setFileErrors([]);
    for (const file of files) {
      setReading((r) => [...r, file.name]);
      try {
        const current = useChat.getState().conversations.find((c) => c.id === useChat.getState().activeId);
        await chat.attach([await readAttachment(file, current?.files)]);
      } catch (e) {
        setFileErrors((errs) => [...errs, e instanceof FileReadError ? e.message : `“${file.name}” could not be added: ${(e as Error).message}.`]);
      } finally {
        setReading((r) => r.filter((n) => n !== file.name));
      }
    }
  };

  return (
    <div className="app">
      <Sidebar
        conversations={chat.conversations}
        activeId={chat.activeId}
        busy={busy}
        onNew={chat.newConversation}
        onSelect={chat.select}
        onDelete={(id) => void chat.remove(id)}
      />
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
          void addFiles([...e.dataTransfer.files]);
        }}
      >
        <header className="topbar">
          <button className="model-button" onClick={() => setShowModels(true)} aria-label="Models and settings">
            {model.loaded ? model.loaded.id : model.loading ? `Loading ${model.loading.spec.id}…` : 'No model loaded'}
          </button>
          <button className="ghost align-button" aria-expanded={showAlign} onClick={() => setShowAlign((v) => !v)}>
            Checks: {CHECKS[align.check].short}{align.check !== 'off' ? ` → ${align.correction}` : ''}
          </button>
          <button className="ghost" disabled={!conversation?.messages.length} onClick={() => conversation && download(conversation)}>
            Export trail
          </button>
          <button className="ghost" disabled={busy} onClick={() => importInput.current?.click()}>Import</button>
          <input
            ref={importInput}
            type="file"
            accept="application/json,.json"
            hidden
            aria-label="Import conversations"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (!file) return;
              try {
                const summary = await chat.importConversations(await parseExport(await file.text()));
                setImportError(null);
                setImportNote(describeImport(summary));
              } catch (err) {
                setImportNote(null);
                setImportError(`Nothing was imported. ${(err as Error).message}`);
              }
            }}
          />
          <button className="ghost" onClick={() => setShowNetwork(true)} title="Every request this page and its workers made">Network</button>
          <button className="ghost" onClick={() => setShowAbout(true)} title="What Redraft is; ask about any page with the in-page assistant">About</button>
          <span className="backend-note" data-backend={model.loaded?.backend ?? ''} title={model.loaded?.backendReason ?? model.backend?.reason}>
            {model.loaded
              ? `${model.loaded.backend === 'webgpu' ? 'WebGPU' : 'WASM'} — ${model.loaded.backendReason}`
              : (model.backend?.reason ?? 'Checking for WebGPU…')}
          </span>
        </header>
        {showAlign && (
          <AlignmentPanel key={conversation?.id ?? 'new'} settings={align} onChange={(patch) => void chat.setAlign(patch)} onClose={() => setShowAlign(false)} />
        )}
        {offline.needRefresh && (
          <div className="update-banner" role="status">
            <span>A new version of Redraft is ready. Reloading switches to it; your conversations stay.</span>
            <button onClick={() => void offline.applyUpdate()} disabled={busy}>Reload now</button>
            <button className="ghost" onClick={offline.dismissUpdate}>Later</button>
          </div>
        )}
        {importNote && (
          <div className="update-banner" role="status">
            <span>{importNote}</span>
            <button className="ghost" onClick={() => setImportNote(null)}>Dismiss</button>
          </div>
        )}
        {importError && (
          <div className="error-banner" role="alert">
            <span>{importError}</span>
            <button className="ghost" onClick={() => setImportError(null)}>Dismiss</button>
          </div>
        )}
        {model.loading && (
          <div className="progress top" role="progressbar" aria-label="Model loading"
            aria-valuenow={model.loading.progress.fraction !== undefined ? Math.round(model.loading.progress.fraction * 100) : undefined}>
            <div style={{ width: `${Math.round((model.loading.progress.fraction ?? 0) * 100)}%` }} />
            <span>{model.loading.progress.text}</span>
            <button className="ghost" onClick={() => model.cancelLoad()}>Cancel</button>
          </div>
        )}
        {error && (
          <ErrorBanner
            error={error}
            onAction={onAction}
            onDismiss={() => {
              chat.dismissError();
              model.dismissError();
            }}
          />
        )}
        <section className="messages" aria-label="Messages" aria-live="polite" ref={list} onScroll={onScroll}>
          {!conversation?.messages.length && (
            <div className="empty">
              <h1>Ask anything. It stays here.</h1>
              <p>The model runs in this tab, on your own machine. Nothing you type is sent anywhere.</p>
            </div>
          )}
          {conversation?.messages.map((m, i) => (
            <MessageView
              key={m.id}
              message={m}
              streaming={m.id === chat.streamingId}
              busy={busy || !ready}
              canRegenerate={m.role === 'assistant' && i === lastAssistant && i === conversation.messages.length - 1}
              onRegenerate={() => void chat.regenerate(answerSettings())}
              onEdit={(text) => void chat.editAndResend(m.id, text, answerSettings())}
            />
          ))}
          <div ref={bottom} />
        </section>
        <Attachments
          files={conversation?.files ?? []}
          reading={reading}
          errors={fileErrors}
          busy={busy}
          onAdd={(files) => void addFiles(files)}
          onRemove={(id) => void chat.detach(id)}
          onDismissErrors={() => setFileErrors([])}
        />
        <Composer
          draft={chat.draft}
          busy={busy}
          disabled={reading.length > 0}
          queued={queued}
          placeholder={reading.length ? 'Reading your files…' : !ready ? 'Message Redraft (it sends when the model is ready)' : 'Message Redraft (Enter to send, Shift+Enter for a new line)'}
          onDraft={chat.setDraft}
          onSend={() => (ready ? void chat.send(answerSettings()) : setQueued(true))}
          onCancelQueued={() => setQueued(false)}
          onStop={() => void chat.stop()}
        />
      </main>
      {showNetwork && <NetworkPanel onClose={() => setShowNetwork(false)} />}
      {showAbout && <AboutPanel onClose={() => setShowAbout(false)} />}
      {showModels && <ModelManager onClose={() => setShowModels(false)} onLoad={(spec) => void loadModel(spec)} />}
    </div>
  );
}
