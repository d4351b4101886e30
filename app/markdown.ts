// Model output is untrusted: it is parsed as markdown and then sanitised, always in that order,
// and nothing else ever reaches innerHTML. No scripts, handlers, javascript: links, images,
// styles or forms survive; links open in a new tab without a referrer.

import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const marked = new Marked({ gfm: true, breaks: true, async: false });

const purifier = DOMPurify();
purifier.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
});

const SANITIZE = {
  ALLOWED_TAGS: [
    'p', 'br', 'hr', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span',
  ],
  ALLOWED_ATTR: ['href', 'title', 'align', 'start'],
  // Only links the user can see the target of; no javascript:, data: or relative tricks.
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
};

export function renderMarkdown(text: string): string {
  const html = marked.parse(text) as string;
  return purifier.sanitize(html, SANITIZE) as string;
}
