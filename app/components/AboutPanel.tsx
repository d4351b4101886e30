import { useEffect, useRef } from 'react';
import { ModalDialog } from './ModalDialog';

/** The bookmarklet's code: adds the widget from this origin to whatever page is open. */
export function bookmarkletCode(origin: string): string {
  const blocked = `Redraft could not load on this page: its security policy does not allow scripts from ${origin} (or Redraft is not running there).`;
  return `(()=>{if(document.querySelector('redraft-widget'))return;let said=false;const say=()=>{if(!said){said=true;alert(${JSON.stringify(blocked)})}};document.addEventListener('securitypolicyviolation',e=>{if(e.blockedURI.startsWith(${JSON.stringify(origin)}))say()});const s=document.createElement('script');s.src=${JSON.stringify(`${origin}/redraft-widget.js`)};s.onerror=say;(document.body||document.documentElement).appendChild(s)})()`;
}

/**
 * What Redraft is, and the in-page assistant: the one-tag embed, the bookmarklet and the demo
 * pages. A modal dialog; Esc closes it.
 */
export function AboutPanel({ onClose }: { onClose(): void }) {
  const bookmarklet = useRef<HTMLAnchorElement>(null);
  useEffect(() => {
    // React refuses javascript: addresses in JSX (rightly, for text from elsewhere); this one is ours.
    bookmarklet.current?.setAttribute('href', `javascript:${encodeURIComponent(bookmarkletCode(location.origin))}`);
  }, []);
  const tag = `<script src="${location.origin}/redraft-widget.js" defer></script>`;
  return (
    <ModalDialog title="About Redraft" className="network-panel about-panel" onClose={onClose} closeLabel="Close about">
      <p>
        Redraft runs a language model on this machine, in your browser. Each sentence of an answer is
        checked, and corrected when it fails, before the answer goes on. Nothing you type leaves the
        machine (see Network).
      </p>
      <h3>Ask about any page</h3>
      <p>
        The in-page assistant answers questions about the page you are on, from its visible text, with
        citations, on this device. A site adds it with one tag:
      </p>
      <pre className="snippet"><code>{tag}</code></pre>
      <p className="hint">
        Options: <code>data-position="left"</code>, <code>data-colour="#7a3e9d"</code>,{' '}
        <code>data-model="pocket-lm"</code>.
      </p>
      <p>
        Or drag this bookmarklet to your bookmarks bar and press it on any page:{' '}
        <a ref={bookmarklet} className="bookmarklet" onClick={(e) => e.preventDefault()}>Ask Redraft</a>. Pages whose
        security policy forbids scripts or frames from {location.origin} cannot load it; the bookmarklet says so.
      </p>
      <p>
        Try it on the <a href="/demo/index.html">demo pages</a>: an article, a long technical guide, a
        product page, and a page that tries prompt injection.
      </p>
    </ModalDialog>
  );
}
