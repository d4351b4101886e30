// Small DOM helpers of the in-page assistant: building elements, finding the page's element
// that holds a quoted sentence, and outlining it for a moment.

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el: HTMLElementTagNameMap[K] = document.createElement(tag);
  Object.assign(el, props);
  el.append(...children);
  return el;
}

const BLOCKS = 'p, li, pre, blockquote, td, th, dd, dt, figcaption, h1, h2, h3, h4, h5, h6';
const normalise = (t: string) => t.replace(/\s+/g, ' ').trim();

/** The innermost element of the page, outside `host`, that holds `quote` (or, failing that, its first words). */
export function locate(quote: string, host: Element): Element | null {
  const candidates = [...document.body.querySelectorAll(BLOCKS)].filter((e) => !host.contains(e));
  const find = (needle: string) => candidates.find((e) => normalise(e.textContent ?? '').includes(needle) && ![...e.querySelectorAll(BLOCKS)].some((c) => normalise(c.textContent ?? '').includes(needle)));
  return find(quote) ?? find(quote.split(' ').slice(0, 5).join(' ')) ?? null;
}

let lit: { el: HTMLElement; outline: string; timer: number } | null = null;
/** Outlines the cited element for a few seconds; the page's own style comes back after. */
export function highlight(el: HTMLElement): void {
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
