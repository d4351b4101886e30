import { useEffect, useRef, useState } from 'react';
import type { ModelSpec } from '../../workers/protocol';
import { measureEngine } from '../bridges/llm';
import { loadLibrary } from '../library';
import { useChat } from '../stores';
import { useModel } from '../stores/model';
import { useSettings } from '../stores/settings';
import type { LibraryUse } from '../types';
import { StorageSettings } from './StorageSettings';
import { useOutcome } from './useOutcome';

interface Props {
  onClose(): void;
  onLoad(spec: ModelSpec): void;
}

/** Measures the loaded engine's raw decode speed on this device (no answer loop, no checks). */
function SpeedTest() {
  const { outcome: result, busy, run: start } = useOutcome();
  const loaded = useModel((s) => s.loaded);
  const streaming = useChat((s) => s.streamingId !== null);
  const maxNewTokens = useSettings((s) => s.maxNewTokens);
  const run = () =>
    start(async () => {
      const r = await measureEngine({ messages: [{ role: 'user', content: 'Tell me a story.' }], sampling: { temperature: 0, topK: 0, topP: 1 }, maxNewTokens: Math.min(maxNewTokens, 256), seed: 1 });
      return `Raw engine: ${r.tokensPerSecond.toFixed(1)} tokens/s over ${r.tokens} tokens (prefill ${Math.round(r.prefillMs)} ms), greedy, without the answer loop or checks; the answer loop on the same prompt with nothing sent to the page: ${r.silentAnswerTokensPerSecond.toFixed(1)} tokens/s.`;
    });
  return (
    <div className="setting speed-test">
      <button onClick={() => void run()} disabled={busy || streaming || !loaded}>{busy ? 'Measuring…' : 'Measure decode speed'}</button>
      {result && <output aria-label="Speed test result" className={result.error ? 'field-error' : 'hint'}>{result.text}</output>}
    </div>
  );
}

const formatMB = (mb: number) => (mb >= 1000 ? `${(mb / 1000).toFixed(1)} GB` : `${mb} MB`);

export function ModelManager({ onClose, onLoad }: Props) {
  const { catalogue, loaded, loading, backend, refreshCatalogue, deleteCached } = useModel();
  const settings = useSettings();

  const dialog = useRef<HTMLElement>(null);
  useEffect(() => {
    void refreshCatalogue();
    dialog.current?.focus(); // so Esc closes it at once
  }, [refreshCatalogue]);

  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <section
        className="dialog"
        ref={dialog}
        tabIndex={-1}
        role="dialog"
        aria-modal="true"
        aria-label="Models"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
      >
        <header>
          <h2>Models</h2>
          <button className="ghost" onClick={onClose} aria-label="Close">×</button>
        </header>
        {settings.saveError && (
          <p className="field-error" role="alert">Settings could not be saved, so they hold until this tab closes: {settings.saveError.userMessage}</p>
        )}

        <label className="setting">
          Backend
          <select
            aria-label="Backend"
            value={settings.backend}
            onChange={(e) => void settings.update({ backend: e.target.value as typeof settings.backend })}
          >
            <option value="auto">Automatic (WebGPU, else WASM)</option>
            <option value="webgpu">WebGPU</option>
            <option value="wasm">WASM (CPU)</option>
          </select>
        </label>
        {backend && <p className="hint">{backend.reason}</p>}

        {!catalogue && <p className="hint">Reading the catalogue…</p>}
        <ul className="models">
          {catalogue?.map((m) => {
            const isLoaded = loaded?.id === m.spec.id;
            const isLoading = loading?.spec.id === m.spec.id;
            const needsGpu = m.webgpuOnly && backend?.backend !== 'webgpu';
            return (
              <li key={m.spec.id} data-model={m.spec.id}>
                <div className="model-info">
                  <strong>{m.label}</strong>
                  <span className="hint">{m.description}</span>
                  <span className="tags">
                    {m.sizeMB > 0 && <span>{formatMB(m.sizeMB)}</span>}
                    <span>{m.remote ? (m.cached ? 'cached' : 'not downloaded') : 'bundled, offline'}</span>
                    {isLoaded && <span className="on">loaded</span>}
                    {needsGpu && <span>needs WebGPU</span>}
                  </span>
                  {isLoading && loading && (
                    <div className="progress" role="progressbar" aria-label={`Loading ${m.label}`}
                      aria-valuemin={0} aria-valuemax={100}
                      aria-valuenow={loading.progress.fraction !== undefined ? Math.round(loading.progress.fraction * 100) : undefined}>
                      <div style={{ width: `${Math.round((loading.progress.fraction ?? 0) * 100)}%` }} />
                      <span>{loading.progress.text}</span>
                    </div>
                  )}
                </div>
                <div className="model-actions">
                  {isLoading ? (
                    <button onClick={() => useModel.getState().cancelLoad()}>Cancel</button>
                  ) : (
                    <button onClick={() => onLoad(m.spec)} disabled={isLoaded || !!loading || needsGpu}
                      title={needsGpu ? 'This model runs on WebGPU only, and no WebGPU adapter is available.' : undefined}>
                      {isLoaded ? 'Loaded' : m.remote && !m.cached ? 'Download' : 'Load'}
                    </button>
                  )}
                  {m.remote && m.cached && (
                    <button className="ghost" onClick={() => void deleteCached(m.spec)} disabled={isLoading}>Delete</button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>

        <h3>Offline library</h3>
        <LibrarySetting />

        <h3>Answer settings</h3>
        <label className="setting">
          Temperature {settings.temperature.toFixed(1)}
          <input type="range" min={0} max={1.5} step={0.1} value={settings.temperature}
            onChange={(e) => void settings.update({ temperature: Number(e.target.value) })} />
        </label>
        <label className="setting">
          Longest answer (tokens)
          <input type="number" aria-label="Longest answer (tokens)" min={1} max={4096} value={settings.maxNewTokens}
            onChange={(e) => void settings.update({ maxNewTokens: Math.max(1, Math.min(4096, Number(e.target.value) || 1)) })} />
        </label>
        <label className="setting">
          Seed
          <input type="number" aria-label="Seed" min={0} step={1} placeholder="new each answer" value={settings.seed ?? ''}
            onChange={(e) => void settings.update({ seed: e.target.value === '' ? null : Math.max(0, Math.floor(Number(e.target.value)) || 0) })} />
        </label>
        <label className="setting">
          System prompt
          <textarea aria-label="System prompt" value={settings.systemPrompt}
            onChange={(e) => void settings.update({ systemPrompt: e.target.value })} />
        </label>

        <h3>This device</h3>
        <StorageSettings />
        <SpeedTest />
      </section>
    </div>
  );
}

/** Which models answer from the offline library, and what the library holds. */
function LibrarySetting() {
  const use = useSettings((s) => s.library);
  const [about, setAbout] = useState<string>('');
  useEffect(() => {
    if (use === 'off') return;
    loadLibrary()
      .then((l) => setAbout(`${l.entries.length.toLocaleString('en')} entries from ${l.sources.map((s) => `${s.name} (${s.licence})`).join(' and ')}. Each sentence of an answer from it is supported by an entry and cited; when no entry answers, the answer says so.`))
      .catch((e: Error) => setAbout(e.message));
  }, [use]);
  return (
    <>
      <label className="setting">
        Answer from the offline library
        <select aria-label="Answer from the offline library" value={use} onChange={(e) => void useSettings.getState().update({ library: e.target.value as LibraryUse })}>
          <option value="bundled">with the bundled model (it knows no facts of its own)</option>
          <option value="all">with every model</option>
          <option value="off">never</option>
        </select>
      </label>
      <p className="hint library-about">
        {use === 'off' ? 'Off: chat answers are the model’s own words, from no source.' : about || 'Reading the library…'}{' '}
        <a href={`${import.meta.env.BASE_URL}library/NOTICE.txt`} target="_blank" rel="noopener">Licences</a>
      </p>
    </>
  );
}
