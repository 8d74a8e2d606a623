import type pg from 'pg';

/**
 * Where this database's history comes from: the cluster (`pg_control_system`), its timeline (a
 * promotion or a point-in-time recovery starts a new one) and the database itself. A restore into
 * a new database or cluster, a recovery to an earlier point and a failover to a standby all change
 * it; a restart does not. Roles that may not read the control data get the database's oid alone.
 */
async function currentOrigin(client: pg.PoolClient): Promise<string> {
  const database = (
    await client.query<{ oid: string }>('SELECT oid FROM pg_database WHERE datname = current_database()')
  ).rows[0]!.oid;
  try {
    await client.query('SAVEPOINT origin');
    const { rows } = await client.query<{ system: string; timeline: number }>(
      'SELECT s.system_identifier::text AS system, c.timeline_id AS timeline FROM pg_control_system() s, pg_control_checkpoint() c',
    );
    await client.query('RELEASE SAVEPOINT origin');
    return `${rows[0]!.system}/${rows[0]!.timeline}/${database}`;
  } catch {
    await client.query('ROLLBACK TO SAVEPOINT origin');
    return `-/-/${database}`;
  }
}

/** Gives every workspace a new epoch: clients that saw the other history resync in full. */
async function renewEpochs(client: pg.PoolClient): Promise<void> {
  await client.query('UPDATE workspace_heads SET epoch = substr(md5(random()::text || workspace_id), 1, 16)');
}

/**
 * At start: when the database's origin is not the one recorded (it was restored from a backup, or
 * recovered to an earlier point, or a standby took over), every workspace gets a new epoch, as a
 * SQLite file restored from a backup does: a client never resumes across two histories. Resolves
 * with whether the epochs were renewed. The first start records the origin.
 */
export async function renewEpochsIfRestored(pool: pg.Pool): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Processes starting together check once.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('confab:origin'))");
    const origin = await currentOrigin(client);
    const stored = (await client.query<{ value: string }>("SELECT value FROM database_meta WHERE key = 'origin'"))
      .rows[0]?.value;
    const restored = stored !== undefined && stored !== origin;
    if (restored) await renewEpochs(client);
    await client.query(
      "INSERT INTO database_meta (key, value) VALUES ('origin', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
      [origin],
    );
    await client.query('COMMIT');
    return restored;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * `confab-server renew-epochs`: for a restore the origin cannot tell (`pg_restore --clean` into the
 * same database), run with every process stopped. Resolves with the number of workspaces.
 */
export async function renewAllEpochs(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await renewEpochs(client);
    return Number(
      (await client.query<{ count: string }>('SELECT count(*) AS count FROM workspace_heads')).rows[0]!.count,
    );
  } finally {
    client.release();
  }
}
