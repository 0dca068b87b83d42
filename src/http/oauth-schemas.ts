// The OAuth answers' schemas (src/http/oauth.ts): the RFCs' field names, as OAuth clients read them.
import { Type } from 'typebox';

/** OAuthError, by reference (the component is registered with the document: openapi/document.ts). */
export const OAuthErrorRef = Type.Ref('OAuthError');

export const OAuthErrorBody = Type.Object(
  { error: Type.String({ description: 'An OAuth error code (RFC 6749, RFC 7591)' }), error_description: Type.String() },
  { $id: 'OAuthError', description: 'An OAuth error (not Linkhub’s error shape: OAuth clients read this one)' },
);

export const ProtectedResourceMetadata = Type.Object({
  resource: Type.String(),
  authorization_servers: Type.Array(Type.String()),
  bearer_methods_supported: Type.Array(Type.String()),
  resource_name: Type.String(),
  resource_documentation: Type.String(),
});

export const AuthorizationServerMetadata = Type.Object({
  issuer: Type.String(),
  authorization_endpoint: Type.String(),
  token_endpoint: Type.String(),
  registration_endpoint: Type.String(),
  response_types_supported: Type.Array(Type.String()),
  grant_types_supported: Type.Array(Type.String()),
  code_challenge_methods_supported: Type.Array(Type.String()),
  authorization_response_iss_parameter_supported: Type.Boolean(),
  client_id_metadata_document_supported: Type.Boolean(),
  token_endpoint_auth_methods_supported: Type.Array(Type.String()),
  protected_resources: Type.Array(Type.String()),
  service_documentation: Type.String(),
});

export const OAuthClientRegistered = Type.Object({
  client_id: Type.String(),
  client_id_issued_at: Type.Integer(),
  client_name: Type.String(),
  redirect_uris: Type.Array(Type.String()),
  grant_types: Type.Array(Type.String()),
  response_types: Type.Array(Type.String()),
  token_endpoint_auth_method: Type.Literal('none'),
});

export const OAuthTokenIssued = Type.Object({
  access_token: Type.String({ description: 'An agent token (lhat_…) for `Authorization: Bearer` on /mcp' }),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Seconds' }),
  refresh_token: Type.String({
    description: 'Used once, for the next access token without the user (grant_type=refresh_token); replaced by the one returned with it',
  }),
});
