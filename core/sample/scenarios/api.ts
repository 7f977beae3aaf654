import type { ApiCall } from '../http2.js';

/** A Teams chat thread id, as the messaging service names conversations. */
const THREAD = '19:4e1f0c2ab7d94f6c8e0d3b5a9c1f2e7d@thread.v2';

/**
 * The REST calls the sample's services answer, in the shape Teams makes them (purple-teams, the public
 * Teams client, and Microsoft's OneCollector docs): posting chat messages, reading the client
 * configuration, uploading telemetry. Only sessions that the sample really encrypts carry them.
 */
export const API_CALLS: Readonly<Record<string, readonly ApiCall[]>> = {
  chat: [
    { method: 'POST', path: `/v1/users/ME/conversations/${THREAD}/messages`, status: 201 },
    { method: 'GET', path: `/v1/users/ME/conversations/${THREAD}/messages?view=msnp24Equivalent&pageSize=20`, status: 200 },
  ],
  config: [{ method: 'GET', path: '/config/v1/Teams/1.0.0.0?environment=prod&osPlatform=Windows', status: 200 }],
  telemetry: [{ method: 'POST', path: '/OneCollector/1.0/', status: 200 }],
};
