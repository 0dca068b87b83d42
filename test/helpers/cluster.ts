// Several real Linkhub processes (`node --import tsx src/main.ts`) on one fresh PostgreSQL database,
// sharing the master key and the API key, all pointed at one Stripe stand-in: a cluster as users run
// it behind a load balancer. Needs PostgreSQL (TEST_DATABASE_URL or LINKHUB_TEST_DATABASE_URL).
import { randomBytes } from 'node:crypto';
import { startStripeStandin, type StripeStandin } from '../stripe-standin/index.js';
import { type LinkhubProcess, spawnLinkhub, startLinkhubProcess } from './process.js';
import { createScratchDatabase } from './scratch-database.js';

/** The PostgreSQL server the multi-node tests use (they need one: a cluster cannot share the embedded store). */
export function clusterServerUrl(): string {
  const url = process.env.LINKHUB_TEST_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('the multi-node tests need PostgreSQL: set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)');
  return url;
}

export interface Cluster {
  nodes: LinkhubProcess[];
  stripe: StripeStandin;
  apiKey: string;
  adminPassword: string;
  databaseUrl: string;
  /** The environment every node runs with (to start another one). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  nodes: number;
  env?: Record<string, string>;
  /** Start the nodes at the same instant on the empty database (default: true). */
  together?: boolean;
}

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const db = await createScratchDatabase(clusterServerUrl(), 'linkhub_cluster');
  const stripe = await startStripeStandin();
  const apiKey = `lh_${randomBytes(24).toString('hex')}`;
  const adminPassword = randomBytes(12).toString('hex');
  const env = {
    DATABASE_URL: db.url,
    LINKHUB_MASTER_KEY: randomBytes(32).toString('base64'),
    LINKHUB_API_KEY: apiKey,
    LINKHUB_ADMIN_PASSWORD: adminPassword,
    LINKHUB_STRIPE_API_BASE: stripe.url,
    ...o.env,
  };
  const nodes: LinkhubProcess[] = [];
  const close = async () => {
    await Promise.all(nodes.map((n) => n.kill9()));
    await stripe.close();
    await db.drop();
  };
  try {
    if (o.together === false) for (let i = 0; i < o.nodes; i++) nodes.push(await startLinkhubProcess(env));
    else nodes.push(...(await Promise.all(Array.from({ length: o.nodes }, () => startLinkhubProcess(env)))));
  } catch (e) {
    await close();
    throw e;
  }
  return { nodes, stripe, apiKey, adminPassword, databaseUrl: db.url, env, close };
}

export { spawnLinkhub };
