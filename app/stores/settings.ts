import { create } from 'zustand';
import { loadSettings, saveSettings } from '../persistence/db';
import type { Settings } from '../types';
import { BUNDLED_MODEL, toRedraftError, type RedraftError } from '../../workers/protocol';

export const DEFAULT_SETTINGS: Settings = {
  backend: 'auto',
  model: BUNDLED_MODEL.spec,
  temperature: 0.7,
  maxNewTokens: 256,
  systemPrompt: '',
  seed: null,
  library: 'bundled',
};

interface SettingsState extends Settings {
  loaded: boolean;
  /** Why the last change could not be stored (storage full …): it holds for this session only. */
  saveError: RedraftError | null;
  hydrate(): Promise<void>;
  update(patch: Partial<Settings>): Promise<void>;
}

export const useSettings = create<SettingsState>((set, get) => ({
  ...DEFAULT_SETTINGS,
  loaded: false,
  saveError: null,
  async hydrate() {
    const saved = await loadSettings().catch(() => ({}));
    set({ ...DEFAULT_SETTINGS, ...saved, loaded: true });
  },
  async update(patch) {
    set(patch);
    const { backend, model, temperature, maxNewTokens, systemPrompt, seed, library } = get();
    try {
      await saveSettings({ backend, model, temperature, maxNewTokens, systemPrompt, seed, library });
      if (get().saveError) set({ saveError: null });
    } catch (e) {
      // The change is in effect; that it could not be stored is said, not thrown at nobody.
      set({ saveError: toRedraftError(e) });
    }
  },
}));
