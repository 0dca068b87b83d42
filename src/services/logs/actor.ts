// Who did something with a stored credential: the subject of audit entries and call-log records.
export interface Actor {
  type: 'api_key' | 'hub_session' | 'dashboard' | 'system' | 'agent_token';
  id: string;
}

/** An actor as one stored text, `<type>:<id>` (who made a token, approved or decided a call). */
export const actorRef = (a: Actor): string => `${a.type}:${a.id}`;

/** The actor a stored `actorRef` names (an id may itself contain ':'). */
export function actorFromRef(ref: string): Actor {
  const at = ref.indexOf(':');
  return { type: ref.slice(0, at) as Actor['type'], id: ref.slice(at + 1) };
}
