// MCP tool annotations of an action (readOnlyHint, destructiveHint, idempotentHint, openWorldHint,
// title), derived the same way for every connector from catalogue data: the action's access and
// HTTP method, and the verb its name starts with (`<prefix><verb>_<resource>`, the connector
// contract's naming rule). Linkhub's own rule, written here because no library knows what a
// catalogue action does.
//
// - readOnlyHint: the catalogue says the action reads (GET list / get / search …).
// - destructiveHint: a write that removes or ends something (DELETE, or a delete / cancel / void /
//   close / reject … verb): another call cannot bring it back. Creations are additive, and an
//   update is undone by another update, so both are false. Always false for reads.
// - idempotentHint: the spec's "calling it again with the same arguments has no additional
//   effect". True for reads, PUT and DELETE, and for POSTs that set a state (update, set, mark, and
//   the ending verbs: a second cancel finds it cancelled). Not for other POSTs even where the
//   provider takes an idempotency key: Linkhub generates a fresh key per call (it makes Linkhub's own
//   retries of one call safe, executor.ts → upstream client), so the same tools/call sent twice
//   creates twice unless the caller passes its own key in `headers`.
// - openWorldHint: every action reaches the provider's API.
import type { ConnectorAction } from '../../connectors/types.js';
import type { McpTool } from './param-styles.js';

export type ToolAnnotations = NonNullable<McpTool['annotations']>;

/** Verbs of writes that remove or end something. */
const ENDING_VERBS = new Set([
  'archive',
  'cancel',
  'close',
  'deactivate',
  'decline',
  'delete',
  'destroy',
  'detach',
  'disable',
  'disconnect',
  'expire',
  'invalidate',
  'purge',
  'redact',
  'reject',
  'remove',
  'revoke',
  'terminate',
  'unlink',
  'void',
]);

/** Verbs of writes that set a state or values: repeating them changes nothing more. */
const SETTING_VERBS = new Set(['mark', 'replace', 'set', 'update']);

const IDEMPOTENT_METHODS = new Set(['GET', 'PUT', 'DELETE']);

/** The verb of an action name: the word after the connector's prefix (`<prefix>cancel_payout` → cancel). */
export function actionVerb(a: ConnectorAction, prefix: string): string {
  const rest = a.name.startsWith(prefix) ? a.name.slice(prefix.length) : a.name;
  return rest.split('_', 1)[0].toLowerCase();
}

export function actionAnnotations(a: ConnectorAction, prefix: string): ToolAnnotations {
  const readOnly = a.access === 'read';
  const verb = actionVerb(a, prefix);
  const ending = !readOnly && (a.method === 'DELETE' || ENDING_VERBS.has(verb));
  const idempotent = readOnly || IDEMPOTENT_METHODS.has(a.method) || ending || SETTING_VERBS.has(verb);
  return { title: a.label, readOnlyHint: readOnly, destructiveHint: ending, idempotentHint: idempotent, openWorldHint: true };
}
