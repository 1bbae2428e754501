package dev.timerwatch.scheduling;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

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
 * queue nothing is called: the queue was empty under its lock at that moment, so there was
 * nothing to do, and nothing is done, even if a task arrives a moment later (run then, the
 * operation would hold no lock, and could lose that task). Whether this JDK calls
 * {@code equals} there is checked once, on a queue of its own; should a JDK stop calling it,
 * the operation runs without the lock, whenever the queue has a task.
 */
final class QueueLock {

	/** Whether the JDK's delayed queue calls {@code equals} under its lock in {@code contains}. */
	static final boolean LOCKS = queueCallsEquals();

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
		if (!probe.ran && !LOCKS && !queue.isEmpty()) {
			operation.run();
		}
	}

	// On a queue no thread will ever take from: getQueue() starts no worker.
	private static boolean queueCallsEquals() {
		try {
			BlockingQueue<Runnable> queue = new ScheduledThreadPoolExecutor(1).getQueue();
			queue.add(new Sentinel());
			boolean[] called = new boolean[1];
			queue.contains(new Probe(() -> called[0] = true));
			return called[0];
		}
		catch (Throwable ex) {
			// Checked once, at class initialization: a failure here must not make every later
			// purge or shutdown fail with NoClassDefFoundError.
			return false;
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

	/** A task that is never run, only queued to see what the queue calls. */
	private static final class Sentinel implements RunnableScheduledFuture<Void> {

		@Override
		public void run() {
		}

		@Override
		public boolean isPeriodic() {
			return false;
		}

		@Override
		public long getDelay(TimeUnit unit) {
			return Long.MAX_VALUE;
		}

		@Override
		public int compareTo(Delayed other) {
			return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			return false;
		}

		@Override
		public boolean isCancelled() {
			return false;
		}

		@Override
		public boolean isDone() {
			return false;
		}

		@Override
		public Void get() {
			throw new UnsupportedOperationException();
		}

		@Override
		public Void get(long timeout, TimeUnit unit) {
			throw new UnsupportedOperationException();
		}

	}

}
