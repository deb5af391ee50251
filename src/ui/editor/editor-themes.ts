// Monaco themes for the lab: Monaco's own with the few colours that fail WCAG AA contrast
// (4.5:1) on their background raised to pass — comments in the dark theme, numbers and
// directives — so axe reports no contrast violation in the editor.
import type * as Monaco from 'monaco-editor/editor';

export const EDITOR_THEME = { light: 'trapdoor-light', dark: 'trapdoor-dark' } as const;

export function defineEditorThemes(monaco: typeof Monaco): void {
  monaco.editor.defineTheme(EDITOR_THEME.dark, {
    base: 'vs-dark',
    inherit: true,
    rules: [
      { token: 'comment', foreground: '8CBF7A' },
      { token: 'keyword', foreground: '75B4F0' },
      { token: 'keyword.directive', foreground: '75B4F0' },
      { token: 'number', foreground: 'C5DDB8' },
      { token: 'number.hex', foreground: 'C5DDB8' },
      { token: 'number.binary', foreground: 'C5DDB8' },
      { token: 'type.identifier', foreground: '5FD3BC' },
      { token: 'variable.predefined', foreground: '9CDCFE' },
      { token: 'constant', foreground: '4FC1FF' },
    ],
    colors: { 'editorLineNumber.foreground': '#9A9A9A', 'editorLineNumber.dimmedForeground': '#9A9A9A' },
  });
  monaco.editor.defineTheme(EDITOR_THEME.light, {
    base: 'vs',
    inherit: true,
    rules: [
      { token: 'comment', foreground: '1A7330' },
      { token: 'number', foreground: '0B6E4F' },
      { token: 'number.hex', foreground: '0B6E4F' },
      { token: 'number.binary', foreground: '0B6E4F' },
      { token: 'type.identifier', foreground: '1F6F6A' },
      { token: 'keyword.directive', foreground: '0033B3' },
    ],
    colors: { 'editorLineNumber.foreground': '#5F6B78', 'editorLineNumber.dimmedForeground': '#5F6B78' },
  });
}
