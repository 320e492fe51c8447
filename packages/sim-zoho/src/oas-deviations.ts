type Json = Record<string, unknown>;

/**
 * Codes seen from Zoho (API-FACTS) that record.json's API_Exception enum lacks: the pagination limit,
 * the rate limit, an evicted token, a call to the wrong DC's host.
 */
export const OBSERVED_ERROR_CODES = ['DISCRETE_PAGINATION_LIMIT_EXCEEDED', 'TOO_MANY_REQUESTS', 'INVALID_OAUTHTOKEN', 'INVALID_HOST', 'SYNTAX_ERROR'];

function schema(doc: Json, name: string): Json | undefined {
  return ((doc.components as Json | undefined)?.schemas as Json | undefined)?.[name] as Json | undefined;
}

function prop(target: Json | undefined, name: string): Json | undefined {
  return (target?.properties as Json | undefined)?.[name] as Json | undefined;
}

/**
 * Zoho's files wrap alternatives in `oneOf`, but none of them sets `required` or forbids extra
 * properties, so a body matches several alternatives and `oneOf` rejects it; `anyOf` is the evident intent.
 */
function oneOfToAnyOf(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) oneOfToAnyOf(item);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const object = node as Json;
  if (Array.isArray(object.oneOf)) {
    object.anyOf = object.oneOf;
    delete object.oneOf;
  }
  for (const value of Object.values(object)) oneOfToAnyOf(value);
}

/**
 * Where the files and observed behaviour (API-FACTS.md) disagree, follow the behaviour; where the files
 * are too loose to catch anything, tighten them to the shapes API-FACTS documents. Every change is here.
 */
export function applyObservedDeviations(file: string, doc: Json): void {
  oneOfToAnyOf(doc);
  if (file === 'record.json') {
    const exception = schema(doc, 'API_Exception');
    const code = prop(exception, 'code');
    if (code && Array.isArray(code.enum)) code.enum = [...code.enum, ...OBSERVED_ERROR_CODES];
    // Messages differ between Zoho versions and endpoints; the code is the contract.
    const message = prop(exception, 'message');
    if (message) delete message.enum;
    if (exception) exception.required = ['code', 'details', 'message', 'status'];
    const success = schema(doc, 'Success_Response');
    if (success) success.required = ['code', 'details', 'message', 'status'];
    // Upsert inserts report duplicate_field: null.
    const duplicateField = prop(success, 'duplicate_field');
    if (duplicateField) duplicateField.nullable = true;
    const wrapper = schema(doc, 'Response_Wrapper');
    if (wrapper) wrapper.required = ['data'];
    const info = schema(doc, 'Info');
    for (const name of ['next_page_token', 'previous_page_token', 'page_token_expiry']) {
      const field = prop(info, name);
      if (field) field.nullable = true;
    }
  }
  if (file === 'org.json') {
    const exception = schema(doc, 'Invalid_Data_Exception');
    if (exception) exception.required = ['code', 'details', 'message', 'status'];
  }
  if (file === 'notifications.json') {
    const notification = schema(doc, 'Notification');
    // channel_id is typed "object" but Zoho returns it as a string of digits.
    const channelId = prop(notification, 'channel_id');
    if (channelId) channelId.type = 'string';
    // The pattern describes Zoho's sample host, not a rule for notify URLs.
    const notifyUrl = prop(notification, 'notify_url');
    if (notifyUrl) delete notifyUrl.pattern;
  }
}
