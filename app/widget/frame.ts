// The frame on Redraft's origin where the model runs (embed.html): started when the panel first
// opens, messages queued until it speaks, and taken as blocked when it stays silent (the page's
// CSP, most often). Messages are taken only from that frame's window and Redraft's origin.

import { h } from './dom';
import { isTagged, type FromFrame, type ToFrame } from './protocol';
import type { Options } from './shell';

/** A frame that has said nothing by then is taken as blocked. */
const FRAME_SILENT_MS = 20_000;

export class FrameLink {
  private frame: HTMLIFrameElement | null = null;
  private heard = false;
  private queue: ToFrame[] = [];
  private readonly origin: string;

  /** `onMessage` gets the frame's messages; `onBlocked` why the frame cannot run on this page. */
  constructor(
    private readonly options: Options,
    private readonly parent: HTMLElement,
    onMessage: (msg: FromFrame) => void,
    private readonly onBlocked: (why: string) => void,
  ) {
    this.origin = options.frameUrl.origin;
    document.addEventListener('securitypolicyviolation', (e) => {
      if (!this.heard && e.blockedURI.startsWith(this.origin)) onBlocked(`its Content-Security-Policy does not allow frames from ${this.origin}.`);
    });
    window.addEventListener('message', (e: MessageEvent) => {
      if (!this.frame || e.source !== this.frame.contentWindow || e.origin !== this.origin || !isTagged(e.data)) return;
      if (!this.heard) {
        this.heard = true;
        const waiting = this.queue;
        this.queue = [];
        waiting.forEach((m) => this.send(m));
      }
      onMessage(e.data as FromFrame);
    });
  }

  start(): void {
    if (this.frame) return;
    const url = new URL(this.options.frameUrl);
    if (this.options.model) url.searchParams.set('model', this.options.model);
    url.hash = new URLSearchParams({ origin: location.origin }).toString();
    const frame = h('iframe', { src: url.href, title: 'Redraft model', tabIndex: -1 });
    frame.setAttribute('aria-hidden', 'true');
    frame.setAttribute('allow', 'cross-origin-isolated');
    frame.style.cssText = 'position:absolute;width:0;height:0;border:0;visibility:hidden';
    this.frame = frame;
    this.parent.append(frame);
    setTimeout(() => {
      if (!this.heard) this.onBlocked(`its security policy or the network kept Redraft’s frame (${this.origin}) from starting.`);
    }, FRAME_SILENT_MS);
  }

  send(msg: ToFrame): void {
    if (this.frame?.contentWindow && this.heard) this.frame.contentWindow.postMessage(msg, this.origin);
    else this.queue.push(msg);
  }
}
