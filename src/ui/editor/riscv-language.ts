// The RISC-V assembly language for Monaco: Monarch highlighting, hover docs, completion
// and go-to-definition for labels. Diagnostics come from the real assembler (the worker).
import type * as Monaco from 'monaco-editor/editor';
import { CSRS, DIRECTIVES, INSTRUCTIONS, REGISTERS, hoverMarkdown } from './riscv-docs.ts';

export const RISCV_LANGUAGE = 'riscv';

type MonacoApi = typeof Monaco;

const monarch: Monaco.languages.IMonarchLanguage = {
  ignoreCase: true,
  defaultToken: '',
  instructions: Object.keys(INSTRUCTIONS),
  registers: Object.keys(REGISTERS),
  csrs: Object.keys(CSRS),
  tokenizer: {
    root: [
      [/[#;].*$/, 'comment'],
      [/\/\/.*$/, 'comment'],
      [/\/\*/, 'comment', '@blockComment'],
      [/^\s*[A-Za-z_.$][\w.$]*:/, 'type.identifier'],
      [/^\s*\d+:/, 'type.identifier'],
      [/\.[A-Za-z_][\w]*/, 'keyword.directive'],
      [/%(hi|lo|pcrel_hi|pcrel_lo)\b/, 'keyword.operator'],
      [/[A-Za-z_][\w.]*/, {
        cases: {
          '@instructions': 'keyword',
          '@registers': 'variable.predefined',
          '@csrs': 'constant',
          '@default': 'identifier',
        },
      }],
      [/0[xX][0-9a-fA-F_]+/, 'number.hex'],
      [/0[bB][01_]+/, 'number.binary'],
      [/-?\d+[fb]?\b/, 'number'],
      [/'(\\.|[^'])'/, 'string'],
      [/"/, 'string', '@string'],
      [/[(),+\-*/<>|&^~]/, 'delimiter'],
    ],
    string: [
      [/[^\\"]+/, 'string'],
      [/\\./, 'string.escape'],
      [/"/, 'string', '@pop'],
    ],
    blockComment: [
      [/[^*]+/, 'comment'],
      [/\*\//, 'comment', '@pop'],
      [/\*/, 'comment'],
    ],
  },
};

export function registerRiscv(monaco: MonacoApi): void {
  monaco.languages.register({ id: RISCV_LANGUAGE, extensions: ['.s', '.S'], aliases: ['RISC-V'] });
  monaco.languages.setMonarchTokensProvider(RISCV_LANGUAGE, monarch);
  monaco.languages.setLanguageConfiguration(RISCV_LANGUAGE, {
    comments: { lineComment: '#', blockComment: ['/*', '*/'] },
    brackets: [['(', ')']],
    wordPattern: /(-?\d*\.\d\w*)|([A-Za-z_.$%][\w.$]*)/,
  });
  monaco.languages.registerHoverProvider(RISCV_LANGUAGE, { provideHover: hover });
  monaco.languages.registerCompletionItemProvider(RISCV_LANGUAGE, completion(monaco));
  monaco.languages.registerDefinitionProvider(RISCV_LANGUAGE, { provideDefinition: definition });
}

function hover(model: Monaco.editor.ITextModel, position: Monaco.Position): Monaco.languages.Hover | null {
  const word = model.getWordAtPosition(position);
  if (!word) return null;
  const text = hoverMarkdown(word.word);
  if (!text) return null;
  return {
    contents: [{ value: text }],
    range: {
      startLineNumber: position.lineNumber, endLineNumber: position.lineNumber,
      startColumn: word.startColumn, endColumn: word.endColumn,
    },
  };
}

/** Labels defined in the model, name -> 1-based line. */
export function findLabels(text: string): Map<string, number> {
  const labels = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*([A-Za-z_.$][\w.$]*):/.exec(lines[i]!);
    if (m && !labels.has(m[1]!)) labels.set(m[1]!, i + 1);
  }
  return labels;
}

function definition(model: Monaco.editor.ITextModel, position: Monaco.Position): Monaco.languages.Definition | null {
  const word = model.getWordAtPosition(position);
  if (!word) return null;
  const line = findLabels(model.getValue()).get(word.word);
  if (line === undefined) return null;
  return {
    uri: model.uri,
    range: { startLineNumber: line, endLineNumber: line, startColumn: 1, endColumn: word.word.length + 2 },
  };
}

function completion(monaco: MonacoApi): Monaco.languages.CompletionItemProvider {
  const Kind = monaco.languages.CompletionItemKind;
  return {
    triggerCharacters: ['.'],
    provideCompletionItems(model, position) {
      const word = model.getWordUntilPosition(position);
      const range = {
        startLineNumber: position.lineNumber, endLineNumber: position.lineNumber,
        startColumn: word.startColumn, endColumn: word.endColumn,
      };
      const items: Monaco.languages.CompletionItem[] = [];
      for (const [name, doc] of Object.entries(INSTRUCTIONS)) {
        items.push({ label: name, kind: Kind.Keyword, insertText: name, detail: doc.syntax, documentation: doc.summary, range });
      }
      for (const [name, doc] of Object.entries(REGISTERS)) {
        items.push({ label: name, kind: Kind.Variable, insertText: name, detail: `${doc.name} / ${doc.abi}`, range });
      }
      for (const [name, doc] of Object.entries(CSRS)) {
        items.push({ label: name, kind: Kind.Constant, insertText: name, detail: `CSR 0x${doc.number.toString(16)}`, range });
      }
      for (const d of DIRECTIVES) items.push({ label: d, kind: Kind.Property, insertText: d, range });
      for (const label of findLabels(model.getValue()).keys()) {
        items.push({ label, kind: Kind.Reference, insertText: label, detail: 'label', range });
      }
      return { suggestions: items };
    },
  };
}
