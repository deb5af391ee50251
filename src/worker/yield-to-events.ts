// A MessageChannel round trip yields to the event loop without setTimeout's 4 ms clamp
// on nested timers, so queued messages (pause, Ctrl-C) get in between slices cheaply.
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(0);
  });
}
