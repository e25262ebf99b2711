// A minimal JSON client over node:http with keep-alive, for the set-up calls and the review loops (autocannon drives
// the intake load). No client-side timeout by default: `GET /v1/audit/verify` over a million events may take a while.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export class HttpClient {
  constructor(baseUrl, { maxSockets = 128 } = {}) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  /** Resolves to `{ status, body, ms, startedAt }`; `ms` is the time from sending to the last byte. */
  request(method, path, { body, token, headers = {}, timeoutMs = 0 } = {}) {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const allHeaders = { accept: 'application/json', ...headers };
    if (payload) {
      allHeaders['content-type'] = 'application/json';
      allHeaders['content-length'] = String(payload.length);
    }
    if (token) allHeaders.authorization = `Bearer ${token}`;
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = http.request(
        { host: this.host, port: this.port, method, path, headers: allHeaders, agent: this.agent },
        (res) => {
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('end', () => {
            const ms = performance.now() - started;
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON: keep the text
            }
            resolve({ status: res.statusCode, body: parsed, text, ms, startedAt: started });
          });
          res.on('error', reject);
        },
      );
      if (timeoutMs > 0) req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** Like request(), but throws unless the status is one of `expected`. */
  async expect(expected, method, path, options) {
    const response = await this.request(method, path, options);
    const allowed = Array.isArray(expected) ? expected : [expected];
    if (!allowed.includes(response.status)) {
      throw new Error(`${method} ${path} answered ${response.status}: ${response.text.slice(0, 300)}`);
    }
    return response;
  }

  close() {
    this.agent.destroy();
  }
}
