// An action's input checked against its JSON Schema before anything is sent (Ajv, compiled on first
// use per action and kept), with one readable problem: field `body.email`, problem `must be string`.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { ConnectorAction } from '../../connectors/types.js';

export interface ActionInput {
  path?: Record<string, unknown> | null;
  query?: Record<string, unknown> | null;
  headers?: Record<string, unknown> | null;
  body?: Record<string, unknown> | null;
}

/** Ajv error → the field path (`body.email`, '' for the whole input) and its problem (`must be string`). */
export function describeAjvErrors(errors: ErrorObject[] | null | undefined): { field: string; problem: string } {
  const list = errors ?? [];
  const dotted = (p: string) => p.replace(/^\//, '').replace(/\//g, '.').replace(/~1/g, '/').replace(/~0/g, '~');
  const last = list[list.length - 1];
  if (!last) return { field: '', problem: 'is invalid' };
  let e = last;
  // anyOf: say which types would do (e.g. "query.created must be object or integer").
  if (last.keyword === 'anyOf') {
    const types = list.filter((x) => x.keyword === 'type' && x.instancePath === last.instancePath).map((x) => String((x.params as { type?: unknown }).type));
    const field = dotted(last.instancePath);
    if (types.length) return { field, problem: `must be ${[...new Set(types)].join(' or ')}` };
    e = list.find((x) => x.keyword !== 'anyOf') ?? last;
  } else {
    e = list[0];
  }
  const path = dotted(e.instancePath);
  if (e.keyword === 'required') {
    const field = [path, (e.params as { missingProperty: string }).missingProperty].filter(Boolean).join('.');
    return { field, problem: 'is required' };
  }
  if (e.keyword === 'additionalProperties') {
    const field = [path, (e.params as { additionalProperty: string }).additionalProperty].filter(Boolean).join('.');
    return { field, problem: 'is not a known field' };
  }
  if (e.keyword === 'enum') {
    const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues ?? [];
    return { field: path, problem: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}` };
  }
  return { field: path, problem: e.message ?? 'is invalid' };
}

export class ActionInputs {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor() {
    this.ajv = new Ajv({ strict: false, allowUnionTypes: true, allErrors: false, coerceTypes: false, useDefaults: false, validateFormats: true });
    (addFormats as unknown as (a: Ajv) => void)(this.ajv);
  }

  private validator(action: ConnectorAction): ValidateFunction {
    let v = this.validators.get(action.name);
    if (!v) {
      v = this.ajv.compile(action.input);
      this.validators.set(action.name, v);
    }
    return v;
  }

  /** null when the input is valid, else the first problem (`body.email`, `must be string`). */
  check(action: ConnectorAction, input: ActionInput): { field: string; problem: string } | null {
    const candidate: Record<string, unknown> = {};
    for (const k of ['path', 'query', 'headers', 'body'] as const) {
      const v = input[k];
      if (v === undefined || v === null) continue;
      candidate[k] = v;
    }
    const validate = this.validator(action);
    if (validate(candidate)) return null;
    return describeAjvErrors(validate.errors);
  }
}
