// Who did something with a stored credential: the subject of audit entries and call-log records.
export interface Actor {
  type: 'api_key' | 'hub_session' | 'dashboard' | 'system' | 'agent_token';
  id: string;
}
