// xterm colours matching the page theme (theme.css).
import type { ITheme } from '@xterm/xterm';

export function xtermTheme(dark: boolean): ITheme {
  return dark
    ? { background: '#151b23', foreground: '#e6edf3', cursor: '#4493f8', selectionBackground: '#264f78' }
    : { background: '#f6f8fa', foreground: '#1f2328', cursor: '#0969da', selectionBackground: '#b6d7ff' };
}
