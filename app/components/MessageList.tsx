// The active conversation's messages. The list subscribes to the messages' ids only, and each
// item to its own message: while an answer streams, only the streaming message re-renders.
// It follows the answer as it grows, unless the reader has scrolled up to read something else.

import { memo, useCallback, useEffect, useRef } from 'react';
import type { StoreApi, UseBoundStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { AnswerSettings, ChatState } from '../stores/chat';
import { activeOf, isBusy, messageIdsOf, messageOf } from '../stores/select';
import { MessageView } from './MessageView';

export type ChatStore = UseBoundStore<StoreApi<ChatState>>;

interface Props {
  store: ChatStore;
  /** A model is loaded (answers can be regenerated). */
  ready: boolean;
  /** The settings for a regenerated or edited answer, read when it is asked. */
  settings(): AnswerSettings;
}

/** Whether a scrolled list shows its end. */
const atEnd = (el: HTMLElement) => el.scrollHeight - el.scrollTop - el.clientHeight < 48;
/** Whether the reader moved the list up since it was left at `followedTop` (a list that got
 * shorter, by a rewound sentence, moves up by itself and is still at its end). */
const scrolledUp = (el: HTMLElement, followedTop: number | null) =>
  followedTop !== null && el.scrollTop < followedTop - 2 && !atEnd(el);

const lastContentOf = (s: ChatState) => activeOf(s)?.messages.at(-1)?.content;

export function MessageList({ store, ready, settings }: Props) {
  const ids = store(useShallow(messageIdsOf));
  const activeId = store((s) => s.activeId);
  const busy = store(isBusy);
  const list = useRef<HTMLElement>(null);
  const bottom = useRef<HTMLDivElement>(null);
  // Where the list was left by the last follow is remembered, so that a reader's scroll is seen
  // at the next token even when its scroll event has not been delivered yet.
  const following = useRef(true);
  const followedTop = useRef<number | null>(null);
  const follow = useCallback(() => {
    bottom.current?.scrollIntoView?.({ block: 'end' });
    followedTop.current = list.current?.scrollTop ?? null;
  }, []);
  // The answer's growth is followed from the store directly, not by rendering the list.
  useEffect(() => store.subscribe((s, prev) => {
    if (lastContentOf(s) === lastContentOf(prev)) return;
    const el = list.current;
    if (el && scrolledUp(el, followedTop.current)) following.current = false;
    if (following.current) follow();
  }), [store, follow]);
  useEffect(() => {
    following.current = true;
    follow();
  }, [ids.length, activeId, follow]);
  const onScroll = () => {
    const el = list.current;
    if (!el) return;
    following.current = atEnd(el);
    if (following.current) followedTop.current = el.scrollTop;
  };

  return (
    <section className="messages" aria-label="Messages" aria-live="polite" ref={list} onScroll={onScroll}>
      {!ids.length && (
        <div className="empty">
          <h1>Ask anything. It stays here.</h1>
          <p>The model runs in this tab, on your own machine. Nothing you type is sent anywhere.</p>
        </div>
      )}
      {ids.map((id, i) => (
        <MessageItem key={id} store={store} id={id} last={i === ids.length - 1} disabled={busy || !ready} settings={settings} />
      ))}
      <div ref={bottom} />
    </section>
  );
}

interface ItemProps {
  store: ChatStore;
  id: string;
  last: boolean;
  disabled: boolean;
  settings(): AnswerSettings;
}

const MessageItem = memo(function MessageItem({ store, id, last, disabled, settings }: ItemProps) {
  const message = store((s) => messageOf(s, id));
  const streaming = store((s) => s.streamingId === id);
  const onRegenerate = useCallback(() => void store.getState().regenerate(settings()), [store, settings]);
  const onEdit = useCallback((text: string) => void store.getState().editAndResend(id, text, settings()), [store, id, settings]);
  if (!message) return null;
  return (
    <MessageView
      message={message}
      streaming={streaming}
      busy={disabled}
      canRegenerate={last && message.role === 'assistant'}
      onRegenerate={onRegenerate}
      onEdit={onEdit}
    />
  );
});
