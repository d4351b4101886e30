// What an answer is asked with, from the settings as they are now, and loading a model the user
// chose (bringing the previous one back when its download is cancelled).

import { DownloadCancelledError, type ModelSpec } from '../workers/protocol';
import type { AnswerSettings } from './stores/chat';
import { useModel } from './stores/model';
import { useSettings } from './stores/settings';

export function answerSettings(): AnswerSettings {
  const s = useSettings.getState();
  return {
    sampling: { temperature: s.temperature, topK: 40, topP: 0.95 },
    maxNewTokens: s.maxNewTokens,
    systemPrompt: s.systemPrompt,
    seed: s.seed,
  };
}

export async function loadChosenModel(spec: ModelSpec): Promise<void> {
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
