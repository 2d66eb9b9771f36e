/**
 * Migration 8: managed jobs gain tasks, as upstream stores them. Until now one `managed_jobs` row was
 * both the job and its only task (task_id 0); upstream keeps the job (`job_info`) and its tasks
 * (`spot`, one row per task, keyed by job and task id) apart, so a pipeline of 1-3 tasks has a status,
 * times and resources per task. Every existing row becomes a job plus its task 0, values unchanged;
 * then the per-task columns leave `managed_jobs`. One statement per dropped column: SQLite's
 * `ALTER TABLE` drops one at a time, and refuses a column an index still covers (so those go first).
 */
import { sql } from 'kysely';
import { createTable } from '../db/createTable';
import type { Migration } from '../db/migrator';
import { MANAGED_JOB_RUN_COLUMNS } from './managedJobRunColumns';

/** The per-task columns, defined as version 3 defined them on `managed_jobs`. */
const TASK_COLUMNS = {
  task_name: 'text not null',
  status: 'text not null',
  submitted_at: 'double precision not null',
  ...MANAGED_JOB_RUN_COLUMNS,
} as const;

export const MANAGED_JOB_TASKS_MIGRATION: Migration = {
  version: 8,
  name: 'managed jobs hold their tasks, one row per task',
  async up(db) {
    await createTable(db, 'managed_job_tasks', { job_id: 'integer not null', task_id: 'integer not null', ...TASK_COLUMNS })
      .addPrimaryKeyConstraint('managed_job_tasks_pk', ['job_id', 'task_id'])
      .execute();
    const moved = ['job_id', 'task_id', ...Object.keys(TASK_COLUMNS)].map((c) => sql.ref(c));
    await sql`insert into managed_job_tasks (${sql.join(moved)}) select ${sql.join(moved)} from managed_jobs`.execute(db);
    await db.schema.dropIndex('managed_jobs_status').ifExists().execute();
    await db.schema.dropIndex('managed_jobs_by_status').ifExists().execute();
    for (const column of ['task_id', ...Object.keys(TASK_COLUMNS)]) {
      await db.schema.alterTable('managed_jobs').dropColumn(column).execute();
    }
    // `skip_finished` and the status filter look tasks up by status; a job's tasks come by the key.
    await db.schema.createIndex('managed_job_tasks_by_status').on('managed_job_tasks').columns(['status', 'job_id']).execute();
  },
};
