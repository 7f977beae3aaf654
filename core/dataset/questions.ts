/**
 * Questions asked across captures, by name: `teamshark query DATASET NAME`; `--list` shows them. Each is plain
 * SQL over the dataset's views, so it also reads as an example of the tables.
 */
export interface NamedQuestion {
  name: string;
  question: string;
  sql: string;
}

export const NAMED_QUESTIONS: readonly NamedQuestion[] = [
  {
    name: 'activities',
    question: 'How many captures show each activity (what the user mostly did), and how long are they?',
    sql: `SELECT dominant_activity, count(*) AS captures, round(sum(duration_sec) / 60, 1) AS minutes
FROM captures GROUP BY dominant_activity ORDER BY captures DESC, dominant_activity`,
  },
  {
    name: 'call-transport',
    question: 'Which calls fell back to TCP (e.g. 443) for their media, and which stayed on UDP?',
    sql: `SELECT f.transport, m.path, count(DISTINCT m.capture_id) AS captures, count(*) AS media_streams,
  count(*) FILTER (WHERE f.server_port = 443 OR f.client_port = 443) AS on_port_443
FROM media_streams m JOIN flows f USING (capture_id, flow_id)
GROUP BY ALL ORDER BY captures DESC, f.transport, m.path`,
  },
  {
    name: 'relays',
    question: 'Which TURN relays carry call media, from which public addresses of our clients?',
    sql: `SELECT m.relay_ip, m.relay_port, list_sort(list_distinct(flatten(list(c.public_ips)))) AS client_public_ips,
  count(DISTINCT m.capture_id) AS captures, count(*) AS media_streams
FROM media_streams m JOIN captures c USING (capture_id)
WHERE m.relay_ip IS NOT NULL GROUP BY ALL ORDER BY captures DESC, media_streams DESC, m.relay_ip`,
  },
  {
    name: 'weak-cipher-offers',
    question: 'Which clients (JA3) still offer RC4, 3DES, NULL, EXPORT or anonymous cipher suites?',
    sql: `WITH offers AS (
  SELECT capture_id, ja3, list_filter(offered_cipher_suites, s -> regexp_matches(s, '_RC4_|_3DES_|_NULL_|_EXPORT|_anon_|_DES_')) AS weak
  FROM tls_handshakes WHERE ja3 IS NOT NULL AND NOT pseudo_tls)
SELECT ja3, list_sort(list_distinct(flatten(list(weak)))) AS weak_suites_offered, count(DISTINCT capture_id) AS captures, count(*) AS handshakes
FROM offers WHERE len(weak) > 0 GROUP BY ja3 ORDER BY captures DESC, handshakes DESC, ja3`,
  },
  {
    name: 'tls-versions',
    question: 'Which TLS versions and cipher suites do servers choose, in how many captures?',
    sql: `SELECT protocol, version, cipher_suite, count(DISTINCT capture_id) AS captures, count(*) AS handshakes
FROM tls_handshakes WHERE version IS NOT NULL AND NOT pseudo_tls GROUP BY ALL ORDER BY handshakes DESC, protocol, version, cipher_suite`,
  },
  {
    name: 'services',
    question: 'Which services carry the bytes, over all captures?',
    sql: `SELECT coalesce(service, 'unclassified') AS service, count(DISTINCT capture_id) AS captures, count(*) AS flows,
  round(sum(bytes) / 1e6, 2) AS megabytes
FROM flows GROUP BY ALL ORDER BY megabytes DESC, service`,
  },
  {
    name: 'media-loss',
    question: 'Which media streams lost packets (RTP sequence gaps), on which path?',
    sql: `SELECT c.file, m.kind, m.path, m.packets, m.lost_packets, round(100.0 * m.lost_packets / (m.packets + m.lost_packets), 2) AS lost_percent
FROM media_streams m JOIN captures c USING (capture_id)
WHERE m.lost_packets > 0 ORDER BY lost_percent DESC, c.file LIMIT 20`,
  },
  {
    name: 'poor-calls',
    question: 'Which captures had a poor call, on which streams, and which thresholds made them poor?',
    sql: `SELECT c.file, q.kind, q.direction, q.path, q.loss_percent, q.jitter_mean_ms, q.worst_loss_15s_percent,
  q.round_trip_ms, q.poor_because
FROM stream_quality q JOIN captures c USING (capture_id)
WHERE q.verdict = 'poor' ORDER BY c.file, q.loss_percent DESC, q.ssrc`,
  },
  {
    name: 'warnings',
    question: 'Which warnings (findings of severity warning) come up, in how many captures?',
    sql: `SELECT kind, section, count(DISTINCT capture_id) AS captures, count(*) AS findings, any_value(title) AS example
FROM findings WHERE severity = 'warning' GROUP BY ALL ORDER BY captures DESC, findings DESC, kind`,
  },
  {
    name: 'failed',
    question: 'Which captures could not be analysed, and why?',
    sql: `SELECT file, error, tool_version, exported_at FROM manifest WHERE status = 'failed' ORDER BY file`,
  },
];
