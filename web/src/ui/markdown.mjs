// Model output is untrusted: it becomes Markdown HTML (marked), then DOMPurify removes every
// script, event handler, style, form and javascript: URL before it touches the page, and code
// blocks are highlighted.
// Images are dropped too: a remote image in an answer is a request the model chose, which can
// carry the conversation out in its URL.
import { marked } from 'marked';
import DOMPurify from 'dompurify';

// highlight.js (its core and a few languages: the full set is about 1 MB) is its own chunk,
// loaded with the first code block; until it is there, code shows plain.
let highlighter = null;
let loading = null;
function loadHighlighter(then) {
  loading ??= import('./highlight.mjs').then((module) => { highlighter = module.highlight; });
  loading.then(then);
}

marked.setOptions({ gfm: true, breaks: false });

const purifyOptions = {
  FORBID_TAGS: ['style', 'img', 'picture', 'video', 'audio', 'source', 'iframe', 'form', 'input', 'button', 'textarea', 'select', 'svg', 'math'],
  FORBID_ATTR: ['style', 'srcset'],
  ALLOW_DATA_ATTR: false,
};

// Links open in a new tab without giving it this page (window.opener) or the referrer.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.hasAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
});

/** Markdown text → sanitized HTML text. */
export function markdownToHtml(text) {
  return DOMPurify.sanitize(marked.parse(text, { async: false }), purifyOptions);
}

/** Renders `text` as sanitized Markdown into `element`, code blocks highlighted. */
export function renderMarkdown(element, text) {
  element.innerHTML = markdownToHtml(text);
  const blocks = element.querySelectorAll('pre code');
  if (!blocks.length) return;
  if (highlighter) for (const block of blocks) highlighter(block);
  else loadHighlighter(() => { if (element.isConnected) for (const block of element.querySelectorAll('pre code')) highlighter(block); });
}
