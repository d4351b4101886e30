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
import { Asker } from './asking';
import { highlight, locate } from './dom';
import { FrameLink } from './frame';
import { mountShell, optionsOf } from './shell';

/** The widget's parts: the shell (mount), the frame where the model runs, asking (reading the page, rendering the answer), citations scrolling the page. */
function mount(script: HTMLScriptElement | null): void {
  if (document.querySelector('redraft-widget')) return; // once per page, however often it is added
  const options = optionsOf(script);
  let link: FrameLink | null = null;
  const shell = mountShell(options, () => link?.start());
  const asker: Asker = new Asker(shell, (msg) => link?.send(msg));
  link = new FrameLink(options, shell.box, (msg) => asker.onMessage(msg), (why) => {
    shell.setStatus('error', `Redraft cannot run on this page: ${why}`);
    asker.unreachable();
  });

  shell.form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = shell.input.value.trim();
    if (!q || asker.busy) return;
    shell.input.value = '';
    asker.ask(q);
  });
  shell.stopButton.addEventListener('click', () => asker.stop());
  shell.answers.addEventListener('click', (e) => {
    const b = (e.target as Element).closest('button.cite') as HTMLButtonElement | null;
    if (!b?.dataset.quote) return;
    const target = locate(b.dataset.quote, shell.host);
    if (!target) return;
    const reduce = matchMedia('(prefers-reduced-motion: reduce)').matches;
    target.scrollIntoView({ block: 'center', behavior: reduce ? 'auto' : 'smooth' });
    highlight(target as HTMLElement);
  });
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
