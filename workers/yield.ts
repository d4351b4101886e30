// Lets the worker's event loop run queued tasks (such as a Comlink "stop" message) between
// decode steps. An ONNX Runtime step on WASM resolves through microtasks only, so a loop of
// awaited steps would otherwise never give incoming messages a turn until the answer ends.

let channel: MessageChannel | null = null;
const waiting: (() => void)[] = [];

export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
    // Node keeps a process alive while a port is referenced; browsers ignore this.
    (channel.port1 as unknown as { unref?: () => void }).unref?.();
  }
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel!.port2.postMessage(null);
  });
}
