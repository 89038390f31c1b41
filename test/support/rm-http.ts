// One HTTP call to a ResourceManager (real or emulated) as the tests make it: the status, the
// headers, the text and, when the text is JSON, the parsed body.

import { request } from 'undici';

export interface RmAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export async function callRm(baseUrl: string, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<RmAnswer> {
  const res = await request(`${baseUrl}${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
  });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}
