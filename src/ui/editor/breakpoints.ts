// Breakpoints set by clicking the editor's glyph margin (or F9 on the cursor line).
// They are kept per file as line numbers and sent to the engine, which maps them to
// addresses through the assembler's line table.
import type * as Monaco from 'monaco-editor/editor';
import type { SourceLine } from '../../worker/engine-api.ts';

export class Breakpoints {
  private byFile = new Map<string, Set<number>>();
  private file = '';
  private readonly decorations: Monaco.editor.IEditorDecorationsCollection;
  private readonly disposables: Monaco.IDisposable[] = [];

  constructor(
    private readonly monaco: typeof Monaco,
    private readonly editor: Monaco.editor.IStandaloneCodeEditor,
    private readonly changed: (lines: SourceLine[]) => void,
  ) {
    this.decorations = editor.createDecorationsCollection();
    const GUTTER = monaco.editor.MouseTargetType.GUTTER_GLYPH_MARGIN;
    this.disposables.push(editor.onMouseDown((e) => {
      if (e.target.type === GUTTER && e.target.position) this.toggle(e.target.position.lineNumber);
    }));
    editor.addAction({
      id: 'trapdoor.toggleBreakpoint',
      label: 'Toggle Breakpoint',
      keybindings: [monaco.KeyCode.F9],
      run: (ed) => {
        const pos = ed.getPosition();
        if (pos) this.toggle(pos.lineNumber);
      },
    });
  }

  setFile(file: string): void {
    this.file = file;
    this.draw();
  }

  toggle(line: number): void {
    const set = this.byFile.get(this.file) ?? new Set<number>();
    if (set.has(line)) set.delete(line);
    else set.add(line);
    this.byFile.set(this.file, set);
    this.draw();
    this.changed(this.all());
  }

  all(): SourceLine[] {
    return [...this.byFile].flatMap(([file, lines]) => [...lines].map((line) => ({ file, line })));
  }

  private draw(): void {
    const lines = this.byFile.get(this.file) ?? new Set<number>();
    this.decorations.set([...lines].map((line) => ({
      range: new this.monaco.Range(line, 1, line, 1),
      options: {
        glyphMarginClassName: 'breakpoint-glyph',
        glyphMarginHoverMessage: { value: 'Breakpoint (click to remove)' },
        stickiness: this.monaco.editor.TrackedRangeStickiness.NeverGrowsWhenTypingAtEdges,
      },
    })));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.decorations.clear();
  }
}
