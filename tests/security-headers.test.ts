// The production server's headers per path: the widget's script says its charset, so a page in
// another encoding (Latin-1) does not garble the widget's text.
import { describe, expect, it } from 'vitest';
import { securityHeaders } from '../scripts/security-headers.mjs';

describe('headers per path', () => {
  it('the widget script is UTF-8, cross-origin readable, and keeps the app’s policy', () => {
    const h = securityHeaders('/redraft-widget.js');
    expect(h['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect(h['Cross-Origin-Resource-Policy']).toBe('cross-origin');
    expect(h['Content-Security-Policy']).toContain("default-src 'self'");
  });
});
