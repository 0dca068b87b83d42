// Route schemas compiled on a route's first request instead of at start-up. Fastify compiles every
// route's validators (Ajv) and response serializers (fast-json-stringify) in app.ready(): that was
// 1.3 s of a 3.5 s start on an existing embedded store (bench/start.ts, profiled), for routes of
// which a deployment uses a few. Deferred, each route's first request pays its few milliseconds.
// compileAll() compiles what is still deferred: test/lazy-schemas.test.ts runs it on the whole app,
// so a schema that does not compile fails a test, not a user's first request.
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { ValidateFunction } from 'ajv';
import type { FastifyServerOptions } from 'fastify';

type Serializer = (doc: unknown) => string;

export class DeferredSchemas {
  private readonly pending = new Set<() => unknown>();

  /** `compile` run once, on the first call of the getter (or by compileAll). */
  private defer<F>(compile: () => F): () => F {
    let compiled: F | undefined;
    const get = () => {
      if (compiled === undefined) {
        compiled = compile();
        this.pending.delete(get);
      }
      return compiled;
    };
    this.pending.add(get);
    return get;
  }

  /** A validator compiled on its first call; it reports through `.errors`, as Ajv's functions do. */
  validator(compile: () => ValidateFunction): (data: unknown) => boolean {
    const compiled = this.defer(compile);
    const validate = (data: unknown): boolean => {
      const fn = compiled();
      const ok = fn(data) as boolean;
      validate.errors = fn.errors;
      return ok;
    };
    validate.errors = null as ValidateFunction['errors'];
    return validate;
  }

  /** Fastify's own serializer compiler (fast-json-stringify, with the shared schemas), run on each route's first answer. */
  schemaController(): NonNullable<FastifyServerOptions['schemaController']> {
    const eager = SerializerSelector();
    return {
      compilersFactory: {
        buildSerializer: (externalSchemas: unknown, options: unknown) => {
          const compile = eager(externalSchemas, options as Parameters<typeof eager>[1]);
          return (route: Parameters<typeof compile>[0]): Serializer => {
            const compiled = this.defer(() => compile(route) as Serializer);
            return (doc) => compiled()(doc);
          };
        },
      },
    };
  }

  /** Compiles every schema still deferred (after app.ready()); returns how many. */
  compileAll(): number {
    const all = [...this.pending];
    for (const get of all) get();
    return all.length;
  }
}
