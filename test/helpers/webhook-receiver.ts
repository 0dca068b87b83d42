// A local endpoint that records every webhook delivery's JSON body (answers 200).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import type { Linkhub } from './linkhub.js';

export interface WebhookReceiver {
  url: string;
  events: any[];
  server: Server;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const events: any[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      events.push(JSON.parse(body));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, events, server };
}

/** A receiver registered as a webhook endpoint of `lh`; `stop()` closes it (call it in the file's `after`). */
export async function registerWebhookReceiver(lh: Linkhub): Promise<WebhookReceiver & { stop(): void }> {
  const r = await startWebhookReceiver();
  const res = await lh.api('POST', '/webhooks', { url: r.url });
  assert.equal(res.status, 201, res.text);
  return {
    ...r,
    stop() {
      r.server.close();
      r.server.closeAllConnections();
    },
  };
}
