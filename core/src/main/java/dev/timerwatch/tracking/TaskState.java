package dev.timerwatch.tracking;

/**
 * Where a tracked task is in its life. Every scheduled task is in exactly one state, so
 * per origin {@code scheduled = pending + running + completed + failed + cancelled} at any
 * quiet moment.
 */
public enum TaskState {

	/** Waiting for its next run. A periodic task returns here after each run. */
	PENDING,

	/** Running now. */
	RUNNING,

	/** Ran to completion (one-shot tasks only). */
	COMPLETED,

	/** Threw, and will not run again. */
	FAILED,

	/** Cancelled, or removed from its scheduler without running (remove, purge, shutdown). */
	CANCELLED

}
