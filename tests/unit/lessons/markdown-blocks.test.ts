import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitMarkdownBlocks } from '../../../src/core/lessons/index.ts';

describe('splitMarkdownBlocks', () => {
  it('finds terminal blocks and hidden solutions between ordinary Markdown', () => {
    const md = 'Intro\n\n```terminal\nhostname\n\nps\n```\nMiddle\n:::solution The answer\nUse `li`.\n```asm\n:::\n```\n:::\nEnd';
    expect(splitMarkdownBlocks(md)).toEqual([
      { kind: 'markdown', markdown: 'Intro\n' },
      { kind: 'terminal', commands: ['hostname', 'ps'] },
      { kind: 'markdown', markdown: 'Middle' },
      { kind: 'solution', title: 'The answer', markdown: 'Use `li`.\n```asm\n:::\n```' },
      { kind: 'markdown', markdown: 'End' },
    ]);
  });

  it('leaves other fenced code alone, even code that looks like a block', () => {
    const md = '```md\n:::solution\n```terminal\n```\n';
    expect(splitMarkdownBlocks(md)).toEqual([{ kind: 'markdown', markdown: md.replace(/\n$/, '\n') }]);
  });

  it('never loses a line of text that is not block syntax', () => {
    const line = fc.stringMatching(/^[a-z ]{0,12}$/);
    fc.assert(fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
      const blocks = splitMarkdownBlocks(lines.join('\n'));
      const text = blocks.map((b) => (b.kind === 'markdown' ? b.markdown : '')).join('\n');
      for (const l of lines.filter((x) => x.trim() !== '')) expect(text).toContain(l);
      expect(blocks.every((b) => b.kind === 'markdown')).toBe(true);
    }));
  });
});
