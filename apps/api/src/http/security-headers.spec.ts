import { securityHeaders } from './security-headers';

describe('securityHeaders', () => {
  it('forbids sniffing, framing, referrers and any active content on API responses', () => {
    const headers = securityHeaders('/v1/reports', false);
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    });
    expect(headers['content-security-policy']).toMatch(/^default-src 'none'/);
    expect(headers['content-security-policy']).not.toContain('script-src');
  });

  it.each(['/docs', '/docs/', '/docs/swagger-ui-bundle.js', '/docs?x=1', '/docs-json'])(
    'lets the OpenAPI UI at %s load its own scripts and styles',
    (path) => {
      const csp = securityHeaders(path, false)['content-security-policy'];
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self' 'unsafe-inline'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("'unsafe-eval'");
    },
  );

  it.each(['/documents', '/v1/docs', '/docsx'])('keeps the strict policy for %s', (path) => {
    expect(securityHeaders(path, false)['content-security-policy']).not.toContain('script-src');
  });

  it.each(['/', '/login', '/cases/4b1c', '/appeals/9', '/admin/api-keys', '/report?x=1', '/assets/index-Ab12.js'])(
    'gives the console page or asset %s its own policy: this origin only, nothing inline',
    (path) => {
      const csp = securityHeaders(path, false)['content-security-policy'];
      expect(csp).toMatch(/^default-src 'self';/);
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      // Evidence images are shown from object URLs; blob: is allowed for images and nothing else.
      expect(csp).toContain("img-src 'self' blob:;");
      expect(csp.match(/blob:/g)).toHaveLength(1);
    },
  );

  it.each(['/admin/queues', '/admin/queues/', '/admin/queues/static/js/main.js', '/admin/queues/api/queues?x=1'])(
    'lets Bull Board at %s run its own scripts, and nothing from elsewhere',
    (path) => {
      const csp = securityHeaders(path, false)['content-security-policy'];
      expect(csp).toMatch(/^default-src 'none';/);
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("connect-src 'self';");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe|https:/);
    },
  );

  it.each(['/v1/cases', '/health/ready', '/metrics', '/cases', '/cases/a/b', '/loginx', '/admin/queuesx'])(
    'keeps the API policy for %s, which is not a console page',
    (path) => {
      expect(securityHeaders(path, false)['content-security-policy']).toMatch(/^default-src 'none'/);
    },
  );

  it('adds HSTS in production only', () => {
    expect(securityHeaders('/v1/me', false)).not.toHaveProperty('strict-transport-security');
    expect(securityHeaders('/v1/me', true)['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });
});
