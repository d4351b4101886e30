// The in-page assistant's frame (embed.html, on Redraft's own origin): loads the model the app
// uses — from this origin's caches, so a model downloaded once serves the app and every page that
// embeds the widget — and answers the questions the widget on the embedding page sends, through
// the same sentence loop as the chat, with the page's instructions given to the check slot.
// It keeps nothing: no conversation is stored, and nothing is sent anywhere but to that page.
import { BUNDLED_MODEL, ContextWindowExceededError, DEFAULT_ALIGN_SETTINGS, HUB_ONNX_MODELS, toRedraftError, type ModelSpec } from '../../workers/protocol';
import { llmBridge } from '../bridges/llm';
import { useAligner } from '../stores/aligner';
import { answerService } from '../stores/answer-service';
import { useModel } from '../stores/model';
import { useSettings } from '../stores/settings';
import { fitPrompt, groundingFor, pagePrompt, pageSources } from '../widget/page-text';
import { TAG, isTagged, type FromFrame, type ToFrame } from '../widget/protocol';

/** Words an answer about a page may take: a few sentences. */
const MAX_NEW_TOKENS = 100;

// The page that embeds this frame: Chromium names it (ancestorOrigins); elsewhere the widget
// passes it in the address. Messages go to that origin only and are taken from it only.
const hashOrigin = new URLSearchParams(location.hash.slice(1)).get('origin');
const parentOrigin = location.ancestorOrigins?.[0] ?? hashOrigin;
const embedded = window.parent !== window && !!parentOrigin;

type Untagged<T> = T extends unknown ? Omit<T, 'tag'> : never;

function post(msg: Untagged<FromFrame>): void {
  if (embedded) window.parent.postMessage({ ...msg, tag: TAG }, parentOrigin!);
}

/**
 * The model the embedding page asked for (data-model) if Redraft offers it and it is on this
 * device already; else the one chosen in the app. A page cannot make the reader download a model.
 */
async function chosenModel(requested: string | null): Promise<{ spec: ModelSpec; note: string }> {
  const mine = useSettings.getState().model;
  const asked = [BUNDLED_MODEL, ...HUB_ONNX_MODELS].map((e) => e.spec).find((s) => s.id === requested);
  if (!asked) return { spec: mine, note: requested ? ` (this page asked for “${requested}”, which Redraft does not offer)` : '' };
  if (asked.kind === 'bundled' || (await llmBridge.call((api) => api.isCached(asked)).catch(() => false))) return { spec: asked, note: '' };
  return { spec: mine, note: ` (this page asked for ${asked.id}, which is not on this device: download it in Redraft to use it here)` };
}

let ready: Promise<boolean> | null = null;

function loadModel(): Promise<boolean> {
  ready ??= (async () => {
    post({ type: 'status', state: 'loading', text: 'Starting the model…' });
    await useSettings.getState().hydrate();
    const { backend } = useSettings.getState();
    let note = '';
    const unsubscribe = useModel.subscribe((s) => {
      if (s.loading) post({ type: 'status', state: 'loading', text: s.loading.progress.text ?? 'Loading…', fraction: s.loading.progress.fraction });
    });
    try {
      await useModel.getState().detectBackend(backend);
      const chosen = await chosenModel(new URLSearchParams(location.search).get('model'));
      note = chosen.note;
      const ok = await useModel.getState().load(chosen.spec, backend);
      const { loaded, error } = useModel.getState();
      if (!ok || !loaded) throw error ?? new Error('the model did not load');
      post({ type: 'status', state: 'ready', text: `${loaded.id} on ${loaded.backend.toUpperCase()}${note}`, model: loaded.id, backend: loaded.backend });
      // The corrector too, while the reader types: the first question need not wait for it.
      void useAligner.getState().prepare(loaded.backend, DEFAULT_ALIGN_SETTINGS.alignerToken).catch(() => {});
      return true;
    } catch (e) {
      ready = null; // the next question tries again
      post({ type: 'status', state: 'error', text: `The model could not load: ${toRedraftError(e).message}` });
      return false;
    } finally {
      unsubscribe();
    }
  })();
  return ready;
}

// A crashed llm worker is started again by the next call; the model has to be loaded again.
llmBridge.onCrash(() => {
  ready = null;
});

/** A 31-bit FNV-1a hash of the text. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) % 2 ** 31;
}

let running: string | null = null;
/** Questions already taken: a question delivered twice is answered once. */
const asked = new Set<string>();

async function ask(msg: Extract<ToFrame, { type: 'ask' }>): Promise<void> {
  if (asked.has(msg.id)) return;
  asked.add(msg.id);
  if (running) await answerService.stop().catch(() => {});
  running = msg.id;
  try {
    if (!(await loadModel())) throw new Error('the model is not loaded');
    const { seed } = useSettings.getState();
    // A prompt too long for the model (passages of many tokens a word) is asked again with fewer words of them.
    const stats = await fitPrompt((maxWords) => answerService.answer(
      {
        messages: [{ role: 'user', content: pagePrompt(msg.question, msg.passages, maxWords) }],
        // Greedy, and a seed of the question's own for the candidates a correction samples: the
        // same question on the same page gets the same answer.
        sampling: { temperature: 0, topK: 0, topP: 1 },
        maxNewTokens: MAX_NEW_TOKENS,
        seed: seed ?? hash(`${msg.question}\n${msg.passages.map((p) => p.text).join('\n')}`),
        align: { ...DEFAULT_ALIGN_SETTINGS, pageInstructions: msg.instructions },
        grounding: groundingFor(msg.question, msg.passages),
        // Every sentence shown must be supported by a passage; else the page's own sentence, or the end.
        sources: pageSources(msg.question, msg.passages, Array.isArray(msg.tables) ? msg.tables : []),
      },
      (event) => post({ type: 'event', id: msg.id, event }),
    ), (e) => toRedraftError(e) instanceof ContextWindowExceededError);
    post({ type: 'done', id: msg.id, stats });
  } catch (e) {
    post({ type: 'error', id: msg.id, message: toRedraftError(e).message });
  } finally {
    if (running === msg.id) running = null;
  }
}

if (embedded) {
  window.addEventListener('message', (e: MessageEvent) => {
    if (e.source !== window.parent || e.origin !== parentOrigin || !isTagged(e.data)) return;
    const msg = e.data as ToFrame;
    if (msg.type === 'ask' && typeof msg.question === 'string' && Array.isArray(msg.passages)) void ask(msg);
    else if (msg.type === 'stop') void answerService.stop().catch(() => {});
  });
  void loadModel();
} else {
  document.body.textContent = 'This page is the frame of Redraft’s in-page assistant; it works inside a page that embeds redraft-widget.js.';
}
