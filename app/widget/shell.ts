// Mounting the in-page assistant: a launcher and a panel in a shadow root (the page's CSS cannot
// reach in, the widget's cannot leak out), fixed to a corner (the page's layout does not move);
// opening, closing and the keys. What the panel does with a question is asking.ts's.

import { h } from './dom';
import css from './widget.css?inline';

export interface Options {
  position: 'left' | 'right';
  colour: string | null;
  model: string | null;
  /** Where embed.html is: beside the widget's own script. */
  frameUrl: URL;
}

export function optionsOf(script: HTMLScriptElement | null): Options {
  const src = script?.src || `${location.origin}/redraft-widget.js`;
  const data = script?.dataset ?? {};
  const colour = data.colour ?? data.color ?? null;
  return {
    position: data.position === 'left' ? 'left' : 'right',
    colour: colour && CSS.supports('color', colour) ? colour : null,
    model: data.model ?? null,
    frameUrl: new URL('embed.html', src),
  };
}

/** The widget's elements. */
export interface Shell {
  host: HTMLElement;
  root: ShadowRoot;
  /** Holds the panel, the launcher and the model's frame. */
  box: HTMLDivElement;
  panel: HTMLElement;
  answers: HTMLOListElement;
  input: HTMLTextAreaElement;
  form: HTMLFormElement;
  askButton: HTMLButtonElement;
  stopButton: HTMLButtonElement;
  setStatus(state: 'loading' | 'ready' | 'error', text: string, fraction?: number): void;
}

function styled(root: ShadowRoot): void {
  // A constructed style sheet is not an inline <style>: a page whose CSP forbids those still shows the widget.
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } catch {
    root.append(h('style', { textContent: css }));
  }
}

/** Builds the widget into the page (closed); `onOpen` runs each time the panel opens. */
export function mountShell(options: Options, onOpen: () => void): Shell {
  const host = document.createElement('redraft-widget');
  host.dataset.position = options.position;
  // Fixed to a corner: it takes no room in the page's layout.
  for (const [k, v] of Object.entries({ position: 'fixed', bottom: '16px', [options.position]: '16px', 'z-index': '2147483646', display: 'block' })) {
    host.style.setProperty(k, v, 'important');
  }
  const root = host.attachShadow({ mode: 'open' });
  const box = h('div', { className: 'shell' });
  box.dataset.position = options.position;
  if (options.colour) box.style.setProperty('--accent', options.colour);
  styled(root);

  const launcher = h('button', { className: 'launcher', type: 'button', title: 'Ask Redraft about this page (on this device)' }, 'Ask about this page');
  launcher.setAttribute('aria-expanded', 'false');
  launcher.setAttribute('aria-controls', 'redraft-panel');
  const close = h('button', { className: 'close', type: 'button', title: 'Close (Esc)' }, '×');
  close.setAttribute('aria-label', 'Close');
  const statusText = h('span', { textContent: 'Starting the model…' });
  const progress = h('progress', { max: 1, hidden: true });
  const status = h('div', { className: 'status' }, statusText, progress);
  status.setAttribute('role', 'status');
  const answers = h('ol', { className: 'answers' });
  answers.setAttribute('aria-live', 'polite');
  answers.setAttribute('aria-label', 'Answers');
  const input = h('textarea', { id: 'redraft-question', rows: 2, placeholder: 'Ask about this page…', maxLength: 2000 });
  const askButton = h('button', { type: 'submit', className: 'ask' }, 'Ask');
  const stopButton = h('button', { type: 'button', className: 'stop', hidden: true }, 'Stop');
  const form = h('form', {}, h('label', { className: 'visually-hidden', htmlFor: 'redraft-question' }, 'Question about this page'), input, askButton, stopButton);
  const panel = h(
    'section',
    { className: 'panel', id: 'redraft-panel', hidden: true },
    h('header', {}, h('h2', { id: 'redraft-title' }, 'Ask about this page'), close),
    status,
    answers,
    form,
    h('p', { className: 'footnote' }, 'Answered by a model on this device, from this page’s visible text. Nothing leaves your machine.'),
  );
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-labelledby', 'redraft-title');
  box.append(panel, launcher);
  root.append(box);
  document.body.append(host);

  const open = () => {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    onOpen();
    input.focus();
  };
  const shut = () => {
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  };
  launcher.addEventListener('click', () => (panel.hidden ? open() : shut()));
  close.addEventListener('click', shut);
  root.addEventListener('keydown', (e) => {
    const k = e as KeyboardEvent;
    if (k.key === 'Escape' && !panel.hidden) {
      k.preventDefault();
      shut();
    }
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      form.requestSubmit();
    }
  });

  const setStatus: Shell['setStatus'] = (state, text, fraction) => {
    status.dataset.state = state;
    statusText.textContent = text;
    progress.hidden = fraction === undefined || state !== 'loading';
    if (fraction !== undefined) progress.value = fraction;
  };
  return { host, root, box, panel, answers, input, form, askButton, stopButton, setStatus };
}
