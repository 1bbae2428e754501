package dev.timerwatch.scheduling;

import java.util.concurrent.BlockingQueue;

/**
 * Runs an operation on a {@code ScheduledThreadPoolExecutor}'s queue while holding that
 * queue's own lock, so that no other thread sees the queue half done: not a worker (which
 * would find it empty and exit, leaving kept tasks with no thread to run them), not
 * {@code getQueue().size()}, not {@code getTaskCount()}, not a concurrent
 * {@code shutdownNow()}.
 *
 * <p>The lock is private to the JDK, and reflection on it would need JVM flags. But the queue
 * calls {@code equals} on the object passed to {@code contains} for each queued task, under
 * its lock, which is reentrant: the operation runs inside the first such call. On an empty
 * queue nothing is called, and there is nothing to do. Should a JDK stop calling
 * {@code equals} there, the operation still runs, without the lock ({@link #run} says which).
 */
final class QueueLock {

	private QueueLock() {
	}

	/**
	 * Run the operation under the queue's lock if the queue has any task.
	 * @param queue the executor's queue
	 * @param operation the operation; it may use the queue freely
	 */
	static void run(BlockingQueue<Runnable> queue, Runnable operation) {
		Probe probe = new Probe(operation);
		queue.contains(probe);
		if (!probe.ran && !queue.isEmpty()) {
			operation.run();
		}
	}

	private static final class Probe {

		private final Runnable operation;

		private final Thread owner = Thread.currentThread();

		private boolean ran;

		Probe(Runnable operation) {
			this.operation = operation;
		}

		@Override
		public boolean equals(Object other) {
			if (!this.ran && Thread.currentThread() == this.owner) {
				this.ran = true;
				this.operation.run();
			}
			return false;
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(this);
		}

	}

}
