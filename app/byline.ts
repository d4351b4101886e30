// Who wrote a page or an HTML file, as a sentence the answer can quote and cite.

/** A byline as a sentence: "Written by Colin Watson." ("By Jane Doe, staff writer" → "Written by Jane Doe, staff writer."); null when there is none or it is too long to be one. */
export function bylineText(byline: string | null | undefined): string | null {
  const by = (byline ?? '').replace(/\s+/g, ' ').trim().replace(/^(?:written\s+)?by\s+/i, '').replace(/[.\s]+$/, '');
  return by && by.split(' ').length <= 12 ? `Written by ${by}.` : null;
}
