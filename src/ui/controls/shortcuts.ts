// Keyboard shortcuts for the run controls, as in common debuggers (F5 run, F10 step over,
// F11 step). F11 is also the browser's full screen on some systems, so Alt+S steps too.
export type Command = 'run' | 'step' | 'stepOver' | 'pause' | 'reset';

export const SHORTCUTS: Record<Command, { label: string; aria: string }> = {
  run: { label: 'F5 or Ctrl+Enter', aria: 'F5 Control+Enter' },
  step: { label: 'F11 or Alt+S', aria: 'F11 Alt+S' },
  stepOver: { label: 'F10 or Alt+O', aria: 'F10 Alt+O' },
  pause: { label: 'F6 or Alt+P', aria: 'F6 Alt+P' },
  reset: { label: 'Shift+F5 or Alt+R', aria: 'Shift+F5 Alt+R' },
};

/** The command a key press means, or null. */
export function commandFor(e: KeyboardEvent): Command | null {
  const key = e.key;
  if (key === 'F5' && e.shiftKey) return 'reset';
  if (key === 'F5' || (key === 'Enter' && (e.ctrlKey || e.metaKey))) return 'run';
  if (key === 'F6') return 'pause';
  if (key === 'F10') return 'stepOver';
  if (key === 'F11') return 'step';
  if (e.altKey && !e.ctrlKey && !e.metaKey) {
    const k = e.code;
    if (k === 'KeyS') return 'step';
    if (k === 'KeyO') return 'stepOver';
    if (k === 'KeyP') return 'pause';
    if (k === 'KeyR') return 'reset';
  }
  return null;
}
