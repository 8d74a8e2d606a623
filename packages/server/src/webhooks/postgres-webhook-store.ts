import type pg from 'pg';
import type { ConfabEvent, SequencedEvent } from '@confab/core';
import { toDelivery, toEndpoint } from './sqlite-webhook-store.js';
import {
  DISPATCH_BATCH,
  conversationKey,
  memoryKeys,
  memoryOf,
  memoryRows,
  planDeliveries,
  type ClaimedWebhookDelivery,
  type MemoryRow,
  type WebhookStore,
} from './webhook-store.js';

/** Runs `work` in one transaction on a pooled connection. */
async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** How long after finding a workspace without an endpoint its next dispatch waits (an endpoint added by another process shows within it). */
const NO_ENDPOINT_RECHECK_MS = 500;

/**
 * Reads workspaces' webhook cursors (null: none), the reads asked for in one turn of the event
 * loop with one query: every commit asks for its workspace's, and commits of many workspaces end
 * in the same turn on a busy process. Each read is a round trip and a pooled connection, which
 * commits queue for.
 */
function cursorReader(pool: pg.Pool): (workspaceId: string) => Promise<number | null> {
  type Waiter = { resolve: (seq: number | null) => void; reject: (error: unknown) => void };
  let asked: Map<string, Waiter[]> | null = null;
  async function read(batch: Map<string, Waiter[]>) {
    try {
      const { rows } = await pool.query<{ workspace_id: string; seq: string }>(
        'SELECT workspace_id, seq FROM webhook_cursors WHERE workspace_id = ANY($1::text[])',
        [[...batch.keys()]],
      );
      const seqs = new Map(rows.map((row) => [row.workspace_id, Number(row.seq)]));
      for (const [workspaceId, waiters] of batch)
        for (const waiter of waiters) waiter.resolve(seqs.get(workspaceId) ?? null);
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
    }
  }
  return (workspaceId) =>
    new Promise((resolve, reject) => {
      if (!asked) {
        const batch = (asked = new Map());
        setImmediate(() => {
          asked = null;
          void read(batch);
        });
      }
      const waiters = asked.get(workspaceId) ?? [];
      waiters.push({ resolve, reject });
      asked.set(workspaceId, waiters);
    });
}

/**
 * The webhook tables in PostgreSQL: several processes dispatch and send for the same workspaces;
 * the cursor row's lock derives each event once, and `SKIP LOCKED` hands each due delivery to one
 * sender.
 */
export function createPostgresWebhookStore(pool: pg.Pool): WebhookStore {
  const cursorOf = cursorReader(pool);
  /**
   * Workspaces found without an endpoint, and when: their next dispatch waits until
   * NO_ENDPOINT_RECHECK_MS after that (the sender merges the commits made meanwhile into it), so a
   * busy workspace without webhooks costs a read twice a second, not one per commit.
   */
  const withoutEndpoint = new Map<string, number>();
  async function dispatchBatch(workspaceId: string, epoch: string, upTo: number, now: number): Promise<number | null> {
    // Every commit asks, and most workspaces have no endpoint (no cursor) or were dispatched by
    // another process already: one plain read answers those, where a transaction took three round
    // trips and a pooled connection from the commits. Work found is checked again under the lock.
    const peeked = await cursorOf(workspaceId);
    if (peeked === null) withoutEndpoint.set(workspaceId, Date.now());
    else withoutEndpoint.delete(workspaceId);
    if (peeked === null || peeked >= upTo) return null;
    return transaction(pool, async (client) => {
      const cursor = (
        await client.query<{ seq: string; since: string }>(
          'SELECT seq, since FROM webhook_cursors WHERE workspace_id = $1 FOR UPDATE',
          [workspaceId],
        )
      ).rows[0];
      if (!cursor || Number(cursor.seq) >= upTo) return null;
      const { rows } = await client.query<{ seq: string; cause: string | null; event: string }>(
        'SELECT seq, cause, event FROM events WHERE workspace_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4',
        [workspaceId, cursor.seq, upTo, DISPATCH_BATCH],
      );
      if (!rows.length) return null;
      const events: SequencedEvent[] = rows.map((row) => ({
        seq: Number(row.seq),
        cause: row.cause,
        event: JSON.parse(row.event) as ConfabEvent,
      }));
      const endpoints = (
        await client.query('SELECT * FROM webhook_endpoints WHERE workspace_id = $1 ORDER BY created_at, id', [
          workspaceId,
        ])
      ).rows.map(toEndpoint);
      let made = 0;
      if (endpoints.length) {
        const memory = memoryOf(
          (
            await client.query<MemoryRow>(
              'SELECT record_id, status, assignee_id FROM webhook_memory WHERE workspace_id = $1 AND record_id = ANY($2::text[])',
              [workspaceId, memoryKeys(events)],
            )
          ).rows,
        );
        for (const delivery of planDeliveries(workspaceId, epoch, events, memory, endpoints, Number(cursor.since))) {
          const inserted = await client.query(
            `INSERT INTO webhook_deliveries
               (workspace_id, endpoint_id, event_id, type, payload, state, attempts, last_status, last_error, next_attempt_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'pending', 0, NULL, NULL, $6, $6, $6) ON CONFLICT DO NOTHING`,
            [workspaceId, delivery.endpointId, delivery.event.id, delivery.event.type, delivery.payload, now],
          );
          made += inserted.rowCount ?? 0;
        }
        for (const row of memoryRows(memory))
          await client.query(
            `INSERT INTO webhook_memory (workspace_id, record_id, status, assignee_id) VALUES ($1, $2, $3, $4)
             ON CONFLICT (workspace_id, record_id) DO UPDATE SET status = EXCLUDED.status, assignee_id = EXCLUDED.assignee_id`,
            [workspaceId, row.record_id, row.status, row.assignee_id],
          );
      }
      await client.query('UPDATE webhook_cursors SET seq = $1 WHERE workspace_id = $2', [
        events[events.length - 1]!.seq,
        workspaceId,
      ]);
      return made;
    });
  }

  return {
    async addEndpoint(endpoint, seed) {
      await transaction(pool, async (client) => {
        // Serialises registrations of one workspace (the first one resets the cursor).
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`webhooks:${endpoint.workspaceId}`]);
        const existing = await client.query('SELECT 1 FROM webhook_endpoints WHERE workspace_id = $1 LIMIT 1', [
          endpoint.workspaceId,
        ]);
        if (!existing.rowCount) {
          await client.query(
            `INSERT INTO webhook_cursors (workspace_id, seq, since) VALUES ($1, $2, $3)
             ON CONFLICT (workspace_id) DO UPDATE SET seq = EXCLUDED.seq, since = EXCLUDED.since`,
            [endpoint.workspaceId, seed.seq, endpoint.createdAt],
          );
          await client.query('DELETE FROM webhook_memory WHERE workspace_id = $1', [endpoint.workspaceId]);
          for (const conversation of seed.conversations)
            await client.query(
              'INSERT INTO webhook_memory (workspace_id, record_id, status, assignee_id) VALUES ($1, $2, $3, $4)',
              [endpoint.workspaceId, conversationKey(conversation.id), conversation.status, conversation.assigneeId],
            );
        }
        await client.query(
          'INSERT INTO webhook_endpoints (id, workspace_id, url, secret, events, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
          [
            endpoint.id,
            endpoint.workspaceId,
            endpoint.url,
            endpoint.secret,
            JSON.stringify(endpoint.events),
            endpoint.createdAt,
          ],
        );
      });
      withoutEndpoint.delete(endpoint.workspaceId);
    },
    async listEndpoints(workspaceId) {
      const { rows } = await pool.query(
        'SELECT * FROM webhook_endpoints WHERE workspace_id = $1 ORDER BY created_at, id',
        [workspaceId],
      );
      return rows.map(toEndpoint);
    },
    async removeEndpoint(workspaceId, endpointId) {
      return transaction(pool, async (client) => {
        await client.query('DELETE FROM webhook_deliveries WHERE workspace_id = $1 AND endpoint_id = $2', [
          workspaceId,
          endpointId,
        ]);
        const removed = await client.query('DELETE FROM webhook_endpoints WHERE workspace_id = $1 AND id = $2', [
          workspaceId,
          endpointId,
        ]);
        return (removed.rowCount ?? 0) > 0;
      });
    },
    async dispatch(workspaceId, epoch, upTo, now) {
      const wait = (withoutEndpoint.get(workspaceId) ?? -Infinity) + NO_ENDPOINT_RECHECK_MS - Date.now();
      if (wait > 0) {
        await new Promise((resolve) => setTimeout(resolve, wait).unref());
        now += wait; // the deliveries it makes are made now, not when it was asked
      }
      let made = 0;
      for (let batch = await dispatchBatch(workspaceId, epoch, upTo, now); batch !== null;) {
        made += batch;
        batch = await dispatchBatch(workspaceId, epoch, upTo, now);
      }
      return made;
    },
    async claimDue(now, limit, leaseMs) {
      const { rows } = await pool.query(
        `WITH due AS (
           SELECT workspace_id, endpoint_id, event_id FROM webhook_deliveries
           WHERE state IN ('pending', 'sending') AND next_attempt_at <= $1
           ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         UPDATE webhook_deliveries d SET state = 'sending', attempts = d.attempts + 1, next_attempt_at = $3, updated_at = $1
         FROM due, webhook_endpoints e
         WHERE d.workspace_id = due.workspace_id AND d.endpoint_id = due.endpoint_id AND d.event_id = due.event_id
           AND e.id = d.endpoint_id
         RETURNING d.*, e.url, e.secret`,
        [now, limit, now + leaseMs],
      );
      return rows.map((row): ClaimedWebhookDelivery => ({
        ...toDelivery(row),
        workspaceId: row.workspace_id,
        url: row.url,
        secret: row.secret,
        payload: row.payload,
      }));
    },
    async finish(workspaceId, endpointId, eventId, result, now) {
      await pool.query(
        `UPDATE webhook_deliveries SET state = $1, next_attempt_at = $2, last_status = $3, last_error = $4, updated_at = $5
         WHERE workspace_id = $6 AND endpoint_id = $7 AND event_id = $8`,
        [
          result.state,
          result.nextAttemptAt,
          result.lastStatus,
          result.lastError,
          now,
          workspaceId,
          endpointId,
          eventId,
        ],
      );
    },
    async deliveries(workspaceId, endpointId, limit) {
      const { rows } = await pool.query(
        `SELECT * FROM webhook_deliveries WHERE workspace_id = $1 AND endpoint_id = $2
         ORDER BY created_at DESC, event_id DESC LIMIT $3`,
        [workspaceId, endpointId, limit],
      );
      return rows.map(toDelivery);
    },
    async nextDueAt() {
      const { rows } = await pool.query<{ due: string | null }>(
        "SELECT MIN(next_attempt_at) AS due FROM webhook_deliveries WHERE state IN ('pending', 'sending')",
      );
      return rows[0]!.due === null ? null : Number(rows[0]!.due);
    },
  };
}
