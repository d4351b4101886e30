// The aligner worker's state as the page sees it: whether the corrector is loaded, which
// tokens ship and which one is active, and its own errors (shown, never swallowed).

import { create } from 'zustand';
import { toRedraftError, type AlignerTokenEntry, type Backend, type RedraftError } from '../../workers/protocol';
import { alignerBridge, connectAligner, restartAligner } from '../bridges/aligner';

export type AlignerStatus = 'idle' | 'loading' | 'ready' | 'error';

interface AlignerState {
  status: AlignerStatus;
  error: string | null;
  tokens: AlignerTokenEntry[];
  defaultToken: string | null;
  activeToken: string | null;
  /** Loads the corrector, connects it to the llm worker and selects the token (absent = default). */
  prepare(backend: Backend, token: string | undefined): Promise<void>;
  /** Reads the list of shipped tokens (no model load). */
  listTokens(): Promise<void>;
  /** The judge's score for one sentence (loading the corrector first if needed). */
  score(backend: Backend, token: string | undefined, question: string, sentence: string): Promise<number>;
}

export const useAligner = create<AlignerState>((set, get) => ({
  status: 'idle',
  error: null,
  tokens: [],
  defaultToken: null,
  activeToken: null,

  async listTokens() {
    if (get().tokens.length) return;
    try {
      const t = await alignerBridge.call((api) => api.tokens());
      set({ tokens: t.tokens, defaultToken: t.default });
    } catch (e) {
      set({ error: `The aligner tokens could not be read: ${toRedraftError(e).message}` });
    }
  },

  async score(backend, token, question, sentence) {
    await get().prepare(backend, token);
    try {
      return await alignerBridge.call((api) => api.score({ question, prefix: '' }, sentence));
    } catch (e) {
      throw toRedraftError(e);
    }
  },

  async prepare(backend, token) {
    if (get().status !== 'ready') set({ status: 'loading', error: null });
    try {
      await connectAligner(backend);
      const want = token ?? null;
      if (get().status !== 'ready' || (want ?? get().defaultToken) !== get().activeToken) {
        const active = await alignerBridge.call((api) => api.useToken(want));
        set({ activeToken: active });
      }
      set({ status: 'ready', error: null });
      void get().listTokens();
    } catch (e) {
      const err = toRedraftError(e);
      set({ status: 'error', error: err.userMessage });
      throw err;
    }
  },
}));

alignerBridge.onCrash((e) => useAligner.setState({ status: 'error', error: e.userMessage, activeToken: null }));

/** Restarts the corrector from scratch on its next use (see restartAligner). */
export function resetAligner(reason: RedraftError): void {
  restartAligner(reason);
  useAligner.setState({ status: 'idle', error: null, activeToken: null });
}
