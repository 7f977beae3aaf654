import type { ServiceApi } from '../http2.js';

/** A Teams chat thread id, as the messaging service names conversations. */
const THREAD = '19:4e1f0c2ab7d94f6c8e0d3b5a9c1f2e7d@thread.v2';

/**
 * The REST calls the sample's services answer, in the shape Teams makes them (purple-teams, the public
 * Teams client, and Microsoft's OneCollector docs): posting chat messages, reading the client
 * configuration, uploading telemetry. Only sessions that the sample really encrypts carry them.
 */
export const API_CALLS: Readonly<Record<string, ServiceApi>> = {
  chat: {
    alpn: 'h2',
    calls: [
      { method: 'POST', path: `/v1/users/ME/conversations/${THREAD}/messages`, status: 201 },
      {
        method: 'GET',
        path: `/v1/users/ME/conversations/${THREAD}/messages?view=msnp24Equivalent&pageSize=20`,
        status: 200,
      },
    ],
  },
  config: {
    alpn: 'h2',
    calls: [{ method: 'GET', path: '/config/v1/Teams/1.0.0.0?environment=prod&osPlatform=Windows', status: 200 }],
  },
  // The telemetry collector is asked for HTTP/1.1: the sample then exercises both protocols.
  telemetry: { alpn: 'http/1.1', calls: [{ method: 'POST', path: '/OneCollector/1.0/', status: 200 }] },
};
