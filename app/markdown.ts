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
    // Corrected sentences (see markCorrected); carries no behaviour, only a sentence index.
    'mark',
  ],
  ALLOWED_ATTR: ['href', 'title', 'align', 'start', 'data-sentence'],
  ALLOW_DATA_ATTR: false,
  // Attributes whose values are not URLs: exempt from the URL check below.
  ADD_URI_SAFE_ATTR: ['align', 'start', 'data-sentence'],
  // Only links the user can see the target of; no javascript:, data: or relative tricks.
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
};

/**
 * The answer's markdown with each corrected sentence wrapped in <mark data-sentence="i">, when
 * the sentences still add up to the text (they do unless the answer was edited or cut).
 */
export function markCorrected(text: string, sentences: { final: string; corrected: boolean }[]): string {
  if (!sentences.some((s) => s.corrected) || sentences.map((s) => s.final).join('') !== text) return text;
  return sentences
    .map((s, i) => {
      // Block syntax (lists, headings, code) would break inside an inline tag: such sentences
      // are listed in the review trail but not marked.
      if (!s.corrected || !s.final.trim() || /\n|^\s*([-*+>#]|\d+[.)]|```)/.test(s.final)) return s.final;
      const lead = s.final.match(/^\s*/)![0];
      const trail = s.final.match(/\s*$/)![0];
      return `${lead}<mark data-sentence="${i}" title="Corrected: open the review trail">${s.final.trim()}</mark>${trail}`;
    })
    .join('');
}

export function renderMarkdown(text: string): string {
  const html = marked.parse(text) as string;
  return purifier.sanitize(html, SANITIZE) as string;
}
