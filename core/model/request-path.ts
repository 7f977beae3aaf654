import type { DecryptedRequest } from '../schema/generated/report.js';

/**
 * A path segment that names one object rather than a kind of resource: a number, a GUID, a Teams thread or
 * user id ("19:…@thread.v2", "8:orgid:…"), an e-mail address, a long token. These become {id}, so the report
 * shows the API called, not whose conversation or which file.
 */
const IDENTIFIER =
  /^\d+$|[@:]|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^(?=.*\d)[\w%=.~-]{12,}$/i;

/** "/v1/users/ME/conversations/19:abc@thread.v2/messages?x=1" → "/v1/users/ME/conversations/{id}/messages" (the query may hold tokens: dropped). */
export function pathTemplate(path: string): string {
  const bare = path.split(/[?#]/, 1)[0] ?? '';
  const template = bare
    .split('/')
    .map((segment) => (segment && IDENTIFIER.test(segment) ? '{id}' : segment))
    .join('/');
  return `${template || '/'}${path.length > bare.length ? '?…' : ''}`;
}

type Action = NonNullable<DecryptedRequest['action']>;

/**
 * What a Teams REST call does, from its method, host and path template: a chat message posted to a
 * conversation, a file written to SharePoint/OneDrive (Teams keeps chat and channel files there), a call
 * created with the call controller.
 */
export function requestAction(method: string, host: string, template: string): Action | undefined {
  const segments = template.split('?', 1)[0]!.toLowerCase().split('/');
  const writes = method === 'POST' || method === 'PUT';
  if (!writes) return undefined;
  if (segments.at(-1) === 'messages' && segments.includes('conversations')) return 'message-sent';
  if (
    /(^|\.)sharepoint\.com$/i.test(host) ||
    segments.some((s) => s === 'uploadsession' || s === 'upload' || s === 'content')
  )
    return 'file-upload';
  if (segments.some((s) => s === 'calls' || s === 'calling' || s === 'callcontroller')) return 'call-placed';
  return undefined;
}
