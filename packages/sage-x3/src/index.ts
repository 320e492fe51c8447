export { BasicAuth, ConnectedAppJwtAuth, RefreshTokenAuth, ServerClock, X3TokenError, type ConnectedAppOptions, type RefreshTokenOptions, type X3Auth } from './x3-auth.js';
export { X3HttpClient, type X3HttpClientOptions, type X3Request, type X3Response } from './x3-http.client.js';
export { classifyX3Response, type X3Outcome } from './x3-response.js';
