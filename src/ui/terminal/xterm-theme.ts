// xterm colours matching the page theme (theme.css). The ANSI palettes are GitHub's
// terminal colours, with the light theme's bright colours darkened so every colour text
// the shell or a guest prints keeps a 4.5:1 contrast on the background (axe checks it).
import type { ITheme } from '@xterm/xterm';

const DARK: ITheme = {
  background: '#151b23', foreground: '#e6edf3', cursor: '#4493f8', selectionBackground: '#264f78',
  black: '#6e7681', red: '#ff7b72', green: '#3fb950', yellow: '#d29922', blue: '#58a6ff', magenta: '#bc8cff', cyan: '#39c5cf', white: '#b1bac4',
  brightBlack: '#8b949e', brightRed: '#ffa198', brightGreen: '#56d364', brightYellow: '#e3b341', brightBlue: '#79c0ff', brightMagenta: '#d2a8ff', brightCyan: '#56d4dd', brightWhite: '#ffffff',
};

const LIGHT: ITheme = {
  background: '#f6f8fa', foreground: '#1f2328', cursor: '#0969da', selectionBackground: '#b6d7ff',
  black: '#24292f', red: '#b31d28', green: '#116329', yellow: '#6f4a00', blue: '#0550ae', magenta: '#6e40c9', cyan: '#0f6b73', white: '#57606a',
  brightBlack: '#57606a', brightRed: '#a40e26', brightGreen: '#1a6b32', brightYellow: '#633c01', brightBlue: '#0a5cc2', brightMagenta: '#7a3fd1', brightCyan: '#136a77', brightWhite: '#24292f',
};

export function xtermTheme(dark: boolean): ITheme {
  return dark ? DARK : LIGHT;
}
