// Lesson Markdown to safe HTML. Lessons may come from anyone, so marked's HTML always goes
// through DOMPurify: scripts, event handlers (onerror=...), javascript: links, styles and
// form controls are removed before anything reaches the page. Images and media load only
// from the site itself: a remote src (a tracking pixel telling a third party who opened
// which lesson) is dropped. Both libraries load on first use, outside the first-load bundle.

/** Attributes that make the browser fetch a URL as soon as the element is shown. */
const FETCHING_ATTRIBUTES = ['src', 'srcset', 'poster', 'background', 'href', 'xlink:href'];

/** A URL the page may load without asking anyone else: relative to the site, or data:. */
export function isLocalUrl(url: string): boolean {
  // As browsers read it: tabs and newlines dropped, backslashes taken as slashes.
  const u = url.replace(/[\t\n\r]/g, '').trim().replace(/\\/g, '/');
  return (!/^[a-z][a-z0-9+.-]*:/i.test(u) && !u.startsWith('//')) || /^data:image\//i.test(u);
}

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
        return;
      }
      for (const name of FETCHING_ATTRIBUTES) {
        const value = node.getAttribute(name);
        if (value === null || node.tagName === 'A') continue;
        const urls = name === 'srcset' ? value.split(',').map((c) => c.trim().split(/\s+/)[0] ?? '') : [value];
        if (urls.every(isLocalUrl)) continue;
        node.removeAttribute(name);
        node.setAttribute('data-blocked-src', 'a remote image is not loaded');
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
