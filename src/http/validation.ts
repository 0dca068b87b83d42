// Schema validation: bodies strictly (no type coercion, unknown fields refused, never silently
// stripped); query strings, params and headers with coercion (repeated keys become arrays).
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

function make(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: false, strict: false, useDefaults: true, removeAdditional: false, ...options });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv;
}

export function installValidation(app: FastifyInstance): void {
  const strict = make({ coerceTypes: false });
  const coercing = make({ coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));
  // Bodies are JSON only. Fastify's built-in text/plain parser would hand a string to the body schema
  // ("body must be object"); without it a non-JSON body is a clear 415.
  app.removeContentTypeParser('text/plain');
}
