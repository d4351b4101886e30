import { create } from 'zustand';
import { loadSettings, saveSettings } from '../persistence/db';
import type { Settings } from '../types';
import { BUNDLED_MODEL } from '../../workers/engine/catalogue';

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
  hydrate(): Promise<void>;
  update(patch: Partial<Settings>): Promise<void>;
}

export const useSettings = create<SettingsState>((set, get) => ({
  ...DEFAULT_SETTINGS,
  loaded: false,
  async hydrate() {
    const saved = await loadSettings().catch(() => ({}));
    set({ ...DEFAULT_SETTINGS, ...saved, loaded: true });
  },
  async update(patch) {
    set(patch);
    const { backend, model, temperature, maxNewTokens, systemPrompt, seed, library } = get();
    await saveSettings({ backend, model, temperature, maxNewTokens, systemPrompt, seed, library });
  },
}));
