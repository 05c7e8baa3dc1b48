import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';

export interface TextResponse {
  status: number;
  headers: { get(name: string): string | null };
  text: string;
}

// Connections are kept open between calls, as fetch does; idle ones do not hold the process.
const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/**
 * One request whose whole answer is read as text, on node:http. JSON calls go this way rather
 * than through fetch: for a moderation request (a hundred texts up, their scores back)
 * fetch's web streams cost several times the CPU, and the pipeline makes dozens a second.
 * Rejects on a network failure, an abort, or a body cut short.
 */
export function requestText(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal },
): Promise<TextResponse> {
  const target = new URL(url);
  const agent = agents[target.protocol as keyof typeof agents];
  if (!agent) return Promise.reject(new Error(`unsupported protocol ${target.protocol}`));
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      target,
      {
        method: init.method,
        agent,
        signal: init.signal,
        headers: { ...init.headers, 'accept-encoding': 'gzip, deflate, br' },
      },
      (response) => {
        let body: Readable = response;
        const encoding = response.headers['content-encoding'];
        if (encoding === 'gzip') body = response.pipe(createGunzip());
        else if (encoding === 'deflate') body = response.pipe(createInflate());
        else if (encoding === 'br') body = response.pipe(createBrotliDecompress());
        if (body !== response) response.on('error', (error) => body.destroy(error));
        body.setEncoding('utf8');
        let text = '';
        body.on('data', (chunk: string) => (text += chunk));
        body.on('error', reject);
        body.on('end', () => {
          if (!response.complete) return reject(new Error('the response body was cut short'));
          resolve({
            status: response.statusCode ?? 0,
            headers: headerReader(response.headers),
            text,
          });
        });
        response.on('close', () => {
          if (!response.complete)
            reject(new Error('the connection closed before the response ended'));
        });
      },
    );
    request.on('error', reject);
    request.end(init.body);
  });
}

function headerReader(headers: IncomingHttpHeaders) {
  return {
    get(name: string): string | null {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}
