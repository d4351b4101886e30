// Redraft's in-page assistant: `<script src="https://redraft.host/redraft-widget.js" defer>`
// adds a launcher and a panel to the page, in a shadow root (the page's CSS cannot reach in, the
// widget's cannot leak out) and fixed to a corner (the page's layout does not move). Questions
// are answered from the page's own visible text: the passages that answer it (BM25) go, fenced
// as data, to a frame on Redraft's origin where the model runs (embed.html), and the answer
// comes back sentence by sentence through the same sentence loop as the chat, with the page's
// instructions handed to its check. Each sentence is cited to the passage it repeats; a citation
// scrolls the page there. Nothing is sent anywhere but to that frame, on this device.
//
// Options, as data- attributes on the script tag:
//   data-position  "right" (default) or "left": the bottom corner it sits in
//   data-colour    any CSS colour for the launcher and accents
//   data-model     a model id Redraft offers (default: the one chosen in the app)
import { findInstructions, splitSentences, type AnswerStats, type SentenceTrail } from '../../workers/protocol';
import { cite, stripMarkers, type Citation } from './cite';
import { instructionText, NoReadableTextError, passagesFor, promptPassages, readPage, tablePassages, withoutInstructions, type PageText, type Passage } from './page-text';
import { TAG, isTagged, type FromFrame, type ToFrame } from './protocol';
import css from './widget.css?inline';

/** Passages sent with a question: what fits the bundled model's context beside the answer. */
/** A frame that has said nothing by then is taken as blocked (the page's CSP, most often). */
const FRAME_SILENT_MS = 20_000;

interface Options {
  position: 'left' | 'right';
  colour: string | null;
  model: string | null;
  /** Where embed.html is: beside the widget's own script. */
  frameUrl: URL;
}

function optionsOf(script: HTMLScriptElement | null): Options {
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

function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el: HTMLElementTagNameMap[K] = document.createElement(tag);
  Object.assign(el, props);
  el.append(...children);
  return el;
}

const BLOCKS = 'p, li, pre, blockquote, td, th, dd, dt, figcaption, h1, h2, h3, h4, h5, h6';
const normalise = (t: string) => t.replace(/\s+/g, ' ').trim();

/** The innermost element of the page that holds `quote` (or, failing that, its first words). */
function locate(quote: string, host: Element): Element | null {
  const candidates = [...document.body.querySelectorAll(BLOCKS)].filter((e) => !host.contains(e));
  const find = (needle: string) => candidates.find((e) => normalise(e.textContent ?? '').includes(needle) && ![...e.querySelectorAll(BLOCKS)].some((c) => normalise(c.textContent ?? '').includes(needle)));
  return find(quote) ?? find(quote.split(' ').slice(0, 5).join(' ')) ?? null;
}

interface Turn {
  id: string;
  question: string;
  page: PageText | null;
  passages: Passage[];
  instructions: string[];
  committed: { text: string; citation: Citation | null; trail?: SentenceTrail }[];
  pending: string;
  t0: number;
  firstCitedMs: number | null;
  el: { root: HTMLLIElement; answer: HTMLParagraphElement; note: HTMLParagraphElement; why: HTMLDetailsElement };
}

function mount(script: HTMLScriptElement | null): void {
  if (document.querySelector('redraft-widget')) return; // once per page, however often it is added
  const options = optionsOf(script);
  const frameOrigin = options.frameUrl.origin;

  const host = document.createElement('redraft-widget');
  host.dataset.position = options.position;
  // Fixed to a corner: it takes no room in the page's layout.
  for (const [k, v] of Object.entries({ position: 'fixed', bottom: '16px', [options.position]: '16px', 'z-index': '2147483646', display: 'block' })) {
    host.style.setProperty(k, v, 'important');
  }
  const root = host.attachShadow({ mode: 'open' });
  const shell = h('div', { className: 'shell' });
  shell.dataset.position = options.position;
  if (options.colour) shell.style.setProperty('--accent', options.colour);
  // A constructed style sheet is not an inline <style>: a page whose CSP forbids those still shows the widget.
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } catch {
    root.append(h('style', { textContent: css }));
  }

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
  shell.append(panel, launcher);
  root.append(shell);
  document.body.append(host);

  // ---- the frame where the model runs ----
  let frame: HTMLIFrameElement | null = null;
  let frameHeard = false;
  let queue: ToFrame[] = [];
  let modelReady = false;
  const setStatus = (state: 'loading' | 'ready' | 'error', text: string, fraction?: number) => {
    status.dataset.state = state;
    statusText.textContent = text;
    progress.hidden = fraction === undefined || state !== 'loading';
    if (fraction !== undefined) progress.value = fraction;
  };
  const send = (msg: ToFrame) => {
    if (frame?.contentWindow && frameHeard) frame.contentWindow.postMessage(msg, frameOrigin);
    else queue.push(msg);
  };
  const blocked = (why: string) => {
    setStatus('error', `Redraft cannot run on this page: ${why}`);
    for (const t of turns.values()) if (!t.el.root.dataset.done) finish(t, null, 'The model is not reachable on this page.');
  };
  const startFrame = () => {
    if (frame) return;
    const url = new URL(options.frameUrl);
    if (options.model) url.searchParams.set('model', options.model);
    url.hash = new URLSearchParams({ origin: location.origin }).toString();
    frame = h('iframe', { src: url.href, title: 'Redraft model', tabIndex: -1 });
    frame.setAttribute('aria-hidden', 'true');
    frame.setAttribute('allow', 'cross-origin-isolated');
    frame.style.cssText = 'position:absolute;width:0;height:0;border:0;visibility:hidden';
    shell.append(frame);
    setTimeout(() => {
      if (!frameHeard) blocked(`its security policy or the network kept Redraft’s frame (${frameOrigin}) from starting.`);
    }, FRAME_SILENT_MS);
  };
  document.addEventListener('securitypolicyviolation', (e) => {
    if (!frameHeard && e.blockedURI.startsWith(frameOrigin)) blocked(`its Content-Security-Policy does not allow frames from ${frameOrigin}.`);
  });

  // ---- answers ----
  const turns = new Map<string, Turn>();
  let active: Turn | null = null;

  const renderAnswer = (t: Turn) => {
    const a = t.el.answer;
    // The list follows the answer while the reader is at its end.
    const following = answers.scrollHeight - answers.scrollTop - answers.clientHeight < 24;
    a.replaceChildren();
    for (const s of t.committed) {
      a.append(h('span', { className: 'sentence' }, stripMarkers(s.text)));
      if (s.citation) {
        const n = s.citation.passage;
        const b = h('button', { type: 'button', className: 'cite', title: `“${s.citation.quote}” — show it in the page` }, `[${n}]`);
        b.dataset.passage = String(n);
        b.dataset.quote = s.citation.quote;
        b.setAttribute('aria-label', `Source ${n}: show “${s.citation.quote}” in the page`);
        a.append(b);
      }
    }
    if (t.pending) a.append(h('span', { className: 'pending' }, stripMarkers(t.pending)));
    if (following) answers.scrollTop = answers.scrollHeight;
  };

  const commit = (t: Turn, text: string, trail?: SentenceTrail) => {
    if (!text) return; // a sentence no passage supported: never shown
    // The grounding check's evidence when there is one (the passage and its sentence that
    // support this one), else the longest run of words it shares with a passage.
    const support = trail?.candidates.find((c) => c.text === text && c.verdict.support)?.verdict.support;
    const citation = support ? { passage: support.passage, quote: support.quote } : cite(text, t.passages);
    t.committed.push({ text, citation, trail });
    if (citation && t.firstCitedMs === null) {
      t.firstCitedMs = performance.now() - t.t0;
      t.el.root.dataset.firstCitedMs = String(Math.round(t.firstCitedMs));
    }
  };

  const renderWhy = (t: Turn, stats: AnswerStats | null) => {
    const items: (Node | string)[] = [];
    const li = (...c: (Node | string)[]) => h('li', {}, ...c);
    if (t.page) {
      const named = (ps: Passage[]) => ps.map((p) => `[${p.id}]${p.headings.length ? ` ${p.headings.at(-1)}` : ''}`).join(', ');
      const read = promptPassages(t.passages);
      items.push(li(`Read ${t.page.passages.length} passages of the page’s visible text; the model read the ${read.length} that match the question best (${named(read)}), and every sentence was checked against ${t.passages.length === read.length ? 'them' : `those and ${t.passages.length - read.length} more (${named(t.passages.slice(read.length))})`}.`));
      if (t.page.hiddenRemoved) items.push(li(`Left out ${t.page.hiddenRemoved} hidden element${t.page.hiddenRemoved === 1 ? '' : 's'} (not visible to a reader, so never given to the model).`));
    }
    if (t.instructions.length) {
      const list = h('ul', {}, ...t.instructions.map((i) => h('li', {}, `“${i}”`)));
      const n = t.instructions.length;
      const entry = li(`Ignored ${n} instruction${n === 1 ? '' : 's'} to an assistant found in the page (its text, hidden parts, comments and image text): they are data, not orders, so ${n === 1 ? 'it was' : 'they were'} left out of what the answer is drawn from, and every sentence was checked for following ${n === 1 ? 'it' : 'them'}:`, list);
      entry.dataset.instructions = String(n);
      items.push(entry);
    }
    (stats?.alignment?.trails ?? t.committed.map((s) => s.trail).filter((tr): tr is SentenceTrail => !!tr)).forEach((trail, i) => {
      const failed = trail.candidates[0] && !trail.candidates[0].verdict.pass ? trail.candidates[0].verdict : null;
      if (trail.dropped) {
        const entry = li(`Sentence ${i + 1} was not shown: ${trail.candidates[0]?.verdict.evidence ?? 'no passage supports it'}. Nothing in the passages could take its place, so the answer ends there.`);
        entry.dataset.dropped = 'true';
        items.push(entry);
      } else if (trail.candidates[0]?.source === 'not-found') items.push(li('The passages do not hold what the question asks, so the answer says so instead of guessing.'));
      else if (trail.candidates[0]?.source === 'computed') {
        const entry = li(`Sentence ${i + 1} was computed from the page’s table (${trail.candidates[0].verdict.evidence.replace(/^table: /, '')}), not written by the model: the rows it names are the ones counted.`);
        entry.dataset.computed = 'true';
        items.push(entry);
      }
      else if (trail.unchecked) items.push(li(`Sentence ${i + 1}: not checked (time budget spent).`));
      else if (failed) {
        const entry = li(`Sentence ${i + 1} failed the check: ${failed.evidence}. ${trail.corrected ? `Corrected (${trail.candidates.at(-1)?.source}).` : 'Committed as the best candidate found.'}`);
        entry.dataset.failed = 'true';
        items.push(entry);
      }
    });
    if (stats?.alignment) items.push(li(`Checked ${stats.alignment.sentences} sentence${stats.alignment.sentences === 1 ? '' : 's'} (${stats.alignment.check}), corrected ${stats.alignment.corrected}.`));
    if (stats?.alignmentUnavailable) items.push(li(stats.alignmentUnavailable));
    if (t.firstCitedMs !== null) items.push(li(`First cited sentence after ${(t.firstCitedMs / 1000).toFixed(1)} s.`));
    t.el.why.replaceChildren(h('summary', {}, 'Why this answer'), h('ul', {}, ...items));
  };

  const finish = (t: Turn, stats: AnswerStats | null, error?: string) => {
    if (stats) {
      t.el.note.textContent = '';
      // The final text is the reference: committed sentences, then (stopped) what was drafted.
      const trails = stats.alignment?.trails ?? [];
      const finals = trails.map((tr) => tr.final).join('');
      if (trails.length && stats.text.startsWith(finals)) {
        t.committed = [];
        trails.forEach((tr) => commit(t, tr.final, tr));
        const rest = stats.text.slice(finals.length);
        if (rest.trim()) commit(t, rest);
      } else if (!t.committed.length || t.committed.map((c) => c.text).join('') !== stats.text) {
        t.committed = [];
        for (const s of splitSentences(stats.text)) commit(t, s);
      }
      t.pending = '';
      if (stats.reason === 'stopped') t.el.note.textContent = 'Stopped.';
      if (stats.reason === 'length') t.el.note.textContent = 'The answer reached its length limit.';
      if (!stats.text.trim()) t.el.note.textContent = 'The model gave no answer.';
    }
    if (error) {
      t.el.note.textContent = error;
      t.el.note.classList.add('error');
    }
    t.el.root.dataset.done = 'true';
    t.el.root.removeAttribute('aria-busy');
    renderAnswer(t);
    renderWhy(t, stats);
    if (active === t) {
      active = null;
      askButton.hidden = false;
      stopButton.hidden = true;
    }
  };

  window.addEventListener('message', (e: MessageEvent) => {
    if (!frame || e.source !== frame.contentWindow || e.origin !== frameOrigin || !isTagged(e.data)) return;
    const msg = e.data as FromFrame;
    if (!frameHeard) {
      frameHeard = true;
      const waiting = queue;
      queue = [];
      waiting.forEach(send);
    }
    if (msg.type === 'status') {
      modelReady = msg.state === 'ready';
      setStatus(msg.state, msg.state === 'ready' ? `Ready: ${msg.text}` : msg.text, msg.fraction);
      return;
    }
    const t = turns.get(msg.id);
    // A finished answer is final: nothing the frame sends for it later changes what it shows.
    if (!t || t.el.root.dataset.done) return;
    if (msg.type === 'event') {
      const ev = msg.event;
      if (ev.type === 'started') t.el.note.textContent = '';
      else if (ev.type === 'token') t.pending += ev.text;
      else if (ev.type === 'rewound') {
        t.pending = '';
        t.el.note.textContent = `Correcting sentence ${ev.index + 1}…`;
      } else if (ev.type === 'sentence-committed') {
        commit(t, ev.text, ev.trail);
        t.pending = ev.pending;
        t.el.note.textContent = '';
      }
      renderAnswer(t);
    } else if (msg.type === 'done') finish(t, msg.stats);
    else if (msg.type === 'error') finish(t, null, msg.message);
  });

  const ask = (question: string) => {
    const li = h('li', { className: 'qa' });
    // Screen readers hear the answer once it is written, not every re-render while it streams.
    li.setAttribute('aria-busy', 'true');
    const answer = h('p', { className: 'a' });
    const note = h('p', { className: 'note' });
    const why = h('details', { className: 'why' });
    li.append(h('p', { className: 'q' }, question), answer, note, why);
    answers.append(li);
    const t: Turn = { id: crypto.randomUUID(), question, page: null, passages: [], instructions: [], committed: [], pending: '', t0: performance.now(), firstCitedMs: null, el: { root: li, answer, note, why } };
    turns.set(t.id, t);
    try {
      t.page = readPage(document);
    } catch (e) {
      finish(t, null, e instanceof NoReadableTextError ? e.message : `This page could not be read: ${(e as Error).message}`);
      return;
    }
    // Instructions to an assistant in the page are data: listed under "Why this answer", and
    // taken out of the passages, so the model never reads them and no answer can quote one.
    t.instructions = findInstructions(instructionText(document));
    t.passages = passagesFor(withoutInstructions(t.page, t.instructions), question);
    active = t;
    askButton.hidden = true;
    stopButton.hidden = false;
    if (!modelReady) t.el.note.textContent = 'The model is loading; the answer starts when it is ready.';
    send({ tag: TAG, type: 'ask', id: t.id, question, passages: t.passages, instructions: t.instructions, tables: tablePassages(withoutInstructions(t.page, t.instructions)) });
    answers.scrollTop = answers.scrollHeight;
  };

  // ---- opening, closing, keys ----
  const open = () => {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    startFrame();
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
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = input.value.trim();
    if (!q || active) return;
    input.value = '';
    ask(q);
  });
  stopButton.addEventListener('click', () => send({ tag: TAG, type: 'stop' }));
  answers.addEventListener('click', (e) => {
    const b = (e.target as Element).closest('button.cite') as HTMLButtonElement | null;
    if (!b?.dataset.quote) return;
    const target = locate(b.dataset.quote, host);
    if (!target) return;
    const reduce = matchMedia('(prefers-reduced-motion: reduce)').matches;
    target.scrollIntoView({ block: 'center', behavior: reduce ? 'auto' : 'smooth' });
    highlight(target as HTMLElement);
  });
}

let lit: { el: HTMLElement; outline: string; timer: number } | null = null;
/** Outlines the cited element for a few seconds; the page's own style comes back after. */
function highlight(el: HTMLElement): void {
  if (lit) {
    clearTimeout(lit.timer);
    lit.el.style.outline = lit.outline;
    delete lit.el.dataset.redraftCited;
  }
  const outline = el.style.outline;
  el.style.outline = '3px solid #f2b705';
  el.dataset.redraftCited = 'true';
  lit = {
    el,
    outline,
    timer: window.setTimeout(() => {
      el.style.outline = outline;
      delete el.dataset.redraftCited;
      lit = null;
    }, 4000),
  };
}

/** The built-ins the widget needs that the page has replaced with ones that do not work. */
function brokenBuiltIns(): string[] {
  const broken: string[] = [];
  const works = (name: string, test: () => boolean) => {
    try {
      if (!test()) broken.push(name);
    } catch {
      broken.push(name);
    }
  };
  works('Array.prototype.map', () => [1, 2].map((x) => x * 2)[1] === 4);
  works('Array.prototype.filter', () => [1, 2].filter((x) => x > 1).length === 1);
  works('Element.prototype.append', () => {
    const d = document.createElement('div');
    d.append('x');
    return d.textContent === 'x';
  });
  works('Element.prototype.attachShadow', () => typeof document.createElement('div').attachShadow === 'function');
  return broken;
}

/**
 * Says, in a corner of the page, that the widget cannot run here (and why), with the fewest
 * built-ins a page is likely to have left alone; the console says it too. A page that breaks
 * what the widget is built with gets this instead of a widget that silently never appears.
 */
function cannotRun(why: string): void {
  const text = `Redraft can’t run on this page: ${why}.`;
  console.error(text);
  try {
    document.querySelectorAll('redraft-widget').forEach((e) => e.parentNode?.removeChild(e));
    const box = document.createElement('redraft-widget');
    box.setAttribute('role', 'status');
    box.setAttribute('style', 'position:fixed!important;right:16px!important;bottom:16px!important;z-index:2147483647!important;max-width:320px;padding:10px 12px;border-radius:10px;background:#fff;color:#1b1f1d;border:1px solid #c8ccc9;font:14px/1.4 system-ui,sans-serif;box-shadow:0 4px 16px rgb(0 0 0 / 0.15)');
    box.textContent = text;
    const close = document.createElement('button');
    close.setAttribute('type', 'button');
    close.setAttribute('aria-label', 'Dismiss');
    close.setAttribute('style', 'margin-left:8px;border:0;background:none;font:inherit;cursor:pointer');
    close.textContent = '×';
    close.onclick = () => box.parentNode?.removeChild(box);
    box.appendChild(close);
    document.body.appendChild(box);
  } catch {
    // The page broke even these: the console has said it.
  }
}

function start(script: HTMLScriptElement | null): void {
  const broken = brokenBuiltIns();
  if (broken.length) {
    cannotRun(`the page has replaced ${broken.join(', ')}, which the assistant needs`);
    return;
  }
  try {
    mount(script);
  } catch (e) {
    cannotRun(`it failed to start (${(e as Error)?.message ?? String(e)})`);
  }
}

// Only while the script runs does the page say which script tag it is.
const script = document.currentScript as HTMLScriptElement | null;
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => start(script), { once: true });
else start(script);
