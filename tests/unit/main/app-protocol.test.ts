import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, isAppUrl, META_CONTENT_SECURITY_POLICY, resolveRendererPath, securityHeaders } from '../../../src-main/app-protocol';

describe('app:// protocol', () => {
  const root = '/opt/luxfuse/out/renderer';

  it('serves index.html for the root and files inside the renderer folder', () => {
    expect(resolveRendererPath(root, '/')).toBe(`${root}/index.html`);
    expect(resolveRendererPath(root, '/assets/index-abc.js')).toBe(`${root}/assets/index-abc.js`);
    expect(resolveRendererPath(root, '/assets/a%20b.js?x=1')).toBe(`${root}/assets/a b.js`);
  });

  it('refuses paths that escape the renderer folder', () => {
    expect(resolveRendererPath(root, '/../../etc/passwd')).toBeNull();
    expect(resolveRendererPath(root, '/%2e%2e/%2e%2e/etc/passwd')).toBeNull();
    expect(resolveRendererPath(root, '/assets/..%2f..%2f..%2fsecret')).toBeNull();
    expect(resolveRendererPath(root, '/a%00b')).toBeNull();
    expect(resolveRendererPath(root, '/%E0%A4%A')).toBeNull();
  });

  it('makes the page cross-origin isolated and locks scripts to its own origin', () => {
    const headers = securityHeaders('text/html');
    expect(headers['Cross-Origin-Opener-Policy']).toBe('same-origin');
    expect(headers['Cross-Origin-Embedder-Policy']).toBe('require-corp');
    expect(headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
  });

  it("repeats the policy as a meta for the page, less frame-ancestors (which a meta cannot set)", () => {
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(META_CONTENT_SECURITY_POLICY).not.toContain('frame-ancestors');
    expect(`${META_CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`).toBe(CONTENT_SECURITY_POLICY);
  });

  it('recognises only its own origin', () => {
    expect(isAppUrl('app://luxfuse/index.html')).toBe(true);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('https://luxfuse/index.html')).toBe(false);
    expect(isAppUrl('file:///index.html')).toBe(false);
    expect(isAppUrl(undefined)).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });
});
