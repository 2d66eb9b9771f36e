/** The requests database's tables (SQLite or PostgreSQL), as kysely sees them. */
export interface RequestsTable {
  request_id: string;
  name: string;
  /** The body as received, for writes; '{}' for reads, whose bodies are not kept. */
  request_body: string;
  status: string;
  created_at: number;
  finished_at: number | null;
  return_value: string;
  error: string;
  user_id: string;
  user_name: string | null;
  cluster_name: string | null;
  schedule_type: string;
  status_msg: string | null;
  should_retry: number;
  log: string;
  /** Who may see it (a principal: user id, or a visitor of the demo); null for rows from old releases. */
  owner: string | null;
  /** The replica that runs it; only that replica, or one outliving its lease, fails it as interrupted. */
  replica_id: string | null;
  /** 1 for writes and long requests (kept for the retention period), 0 for reads (kept briefly). */
  durable: number;
}

export interface ReplicasTable {
  replica_id: string;
  started_at: number;
  heartbeat_at: number;
}

export interface RequestsSchema {
  requests: RequestsTable;
  replicas: ReplicasTable;
}
