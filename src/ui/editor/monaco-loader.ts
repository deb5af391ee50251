// Loads Monaco on demand (a dynamic import, so it is not in the first-load bundle) with
// only the editor features the lab uses, and registers the RISC-V language once.
import type * as Monaco from 'monaco-editor/editor';
import { registerRiscv } from './riscv-language.ts';
import { defineEditorThemes } from './editor-themes.ts';

export type MonacoApi = typeof Monaco;

let loading: Promise<MonacoApi> | undefined;

export function loadMonaco(): Promise<MonacoApi> {
  loading ??= importMonaco();
  return loading;
}

async function importMonaco(): Promise<MonacoApi> {
  const [monaco, { default: EditorWorker }] = await Promise.all([
    import('monaco-editor/editor'),
    import('monaco-editor/editor/editor.worker?worker'),
    // Only the features the lab uses; register.all would double the chunk.
    import('monaco-editor/features/codicon/register'),
    import('monaco-editor/features/hover/register'),
    import('monaco-editor/features/suggest/register'),
    import('monaco-editor/features/gotoSymbol/register'),
    import('monaco-editor/features/find/register'),
    import('monaco-editor/features/comment/register'),
    import('monaco-editor/features/wordHighlighter/register'),
    import('monaco-editor/features/contextmenu/register'),
    import('monaco-editor/features/clipboard/register'),
    import('monaco-editor/features/gotoError/register'),
    import('monaco-editor/features/bracketMatching/register'),
    import('monaco-editor/features/cursorUndo/register'),
    import('monaco-editor/features/linesOperations/register'),
    // Ctrl+M makes Tab move focus instead of indenting: the editor's keyboard way out.
    import('monaco-editor/features/toggleTabFocusMode/register'),
    // Shell scripts (the container and data-centre lessons' script.sh).
    import('monaco-editor/languages/definitions/shell/register'),
  ]);
  // The editor worker is the only Monaco worker: no language services beyond our own.
  (self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
    getWorker: () => new EditorWorker(),
  };
  registerRiscv(monaco);
  defineEditorThemes(monaco);
  return monaco;
}

