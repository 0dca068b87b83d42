// File uploads (POST /v1/files, multipart/form-data, served by files.stripe.com) and reading them
// back (GET /v1/files/{id}), as docs.stripe.com/api/files describes: `purpose` and `file` required,
// the file object with its `filename`, `size` in bytes and `type` (the extension). The multipart body
// is decoded by the platform's own parser (undici's Response.formData), not by hand.
import { randomBytes } from 'node:crypto';
import { errors } from './errors.js';
import type { Params } from './form.js';
import type { Ctx, Result, Route } from './handlers.js';
import type { World } from './world.js';

/** What the multipart body held: its text fields, and each file as {filename, size, type}. */
export async function parseMultipart(body: Buffer, contentType: string): Promise<Params> {
  const form = await new Response(new Blob([new Uint8Array(body)]), { headers: { 'content-type': contentType } }).formData();
  const out: Params = {};
  for (const [name, value] of form) {
    out[name] = typeof value === 'string' ? value : { filename: value.name, size: String(value.size), type: value.type };
  }
  return out;
}

const byWorld = new WeakMap<World, Map<string, Record<string, unknown>>>();
const filesOf = (ctx: Ctx) => {
  let m = byWorld.get(ctx.world);
  if (!m) {
    m = new Map();
    byWorld.set(ctx.world, m);
  }
  return m;
};
const PURPOSES = new Set(
  'account_requirement additional_verification business_icon business_logo customer_signature dispute_evidence identity_document issuing_regulatory_reporting pci_document tax_document_user_upload terminal_reader_splashscreen'.split(
    ' ',
  ),
);

function createFile(ctx: Ctx): Result {
  const { purpose, file } = ctx.params;
  if (purpose === undefined) throw errors.missingParam('purpose');
  if (file === undefined || typeof file !== 'object' || Array.isArray(file)) throw errors.missingParam('file');
  // Stripe's words for a purpose it does not take
  if (typeof purpose !== 'string' || !PURPOSES.has(purpose))
    throw errors.invalidValue('purpose', `Invalid purpose: must be one of ${[...PURPOSES].join(', ')}`);
  const id = `file_${randomBytes(12).toString('hex')}`;
  const filename = String(file.filename ?? '');
  const obj = {
    id,
    object: 'file',
    created: Math.floor(Date.now() / 1000),
    expires_at: null,
    filename,
    links: { object: 'list', data: [], has_more: false, url: `/v1/file_links?file=${id}` },
    purpose,
    size: Number(file.size),
    title: null,
    type: filename.includes('.') ? filename.slice(filename.lastIndexOf('.') + 1).toLowerCase() : null,
    url: `https://files.stripe.com/v1/files/${id}/contents`,
  };
  filesOf(ctx).set(`${ctx.account} ${ctx.mode} ${id}`, obj);
  return { status: 200, json: JSON.stringify(obj) };
}

function retrieveFile(ctx: Ctx): Result {
  const obj = filesOf(ctx).get(`${ctx.account} ${ctx.mode} ${ctx.route.id}`);
  if (!obj) throw errors.resourceMissing('file', ctx.route.id!);
  return { status: 200, json: JSON.stringify(obj) };
}

export const FILE_CREATE: Route = { template: '/v1/files', handler: createFile };
export const FILE_RETRIEVE: Route = { template: '/v1/files/{id}', handler: retrieveFile };
