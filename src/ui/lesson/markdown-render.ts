// Lesson Markdown to safe HTML. Lessons may come from anyone, so marked's HTML always goes
// through DOMPurify: scripts, event handlers (onerror=...), javascript: links, styles and
// form controls are removed before anything reaches the page. Both libraries load on first
// use, outside the first-load bundle.

export type RenderMarkdown = (markdown: string) => string;

let loading: Promise<RenderMarkdown> | null = null;

export function markdownRenderer(): Promise<RenderMarkdown> {
  loading ??= Promise.all([import('marked'), import('dompurify')]).then(([{ Marked }, { default: createPurify }]) => {
    const marked = new Marked({ gfm: true, async: false });
    const purify = createPurify(window);
    purify.addHook('afterSanitizeAttributes', (node) => {
      // Links that leave the lab open beside it, without a handle back to this page.
      if (node.tagName === 'A' && /^https?:/i.test(node.getAttribute('href') ?? '')) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    });
    return (markdown: string) => purify.sanitize(marked.parse(markdown) as string, {
      // style could overlay the page's own controls; forms could phish inside it.
      FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed'],
      FORBID_ATTR: ['style'],
      SANITIZE_NAMED_PROPS: true,
    });
  });
  return loading;
}
