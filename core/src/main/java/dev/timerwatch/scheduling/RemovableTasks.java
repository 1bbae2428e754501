package dev.timerwatch.scheduling;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RunnableScheduledFuture;

/**
 * The tasks a {@link TrackingScheduledThreadPoolExecutor} accepted while its remove-on-cancel
 * policy was on. Those tasks are left undecorated in the queue, so that cancelling one
 * removes it in logarithmic time as the JDK intends (a decorated task can only be found by a
 * linear scan); their commands are wrapped instead, and this map leads from the executor's
 * task back to its command when the task is cancelled, removed or done. It holds only tasks
 * still in the executor's hands.
 */
final class RemovableTasks {

	private final ConcurrentHashMap<RunnableScheduledFuture<?>, TrackedCommand<?>> commands = new ConcurrentHashMap<>();

	// Set once, never cleared: ConcurrentHashMap.isEmpty() sums counter cells racily and can
	// read empty while an entry exists, so it cannot guard the lookups.
	private volatile boolean used;

	void register(RunnableScheduledFuture<?> task, TrackedCommand<?> command) {
		if (!this.used) {
			this.used = true;
		}
		this.commands.put(task, command);
	}

	/**
	 * The task left the queue without running: cancelled, removed, drained or rejected.
	 * @return whether the task was one of these
	 */
	boolean discard(Object task, boolean rejected) {
		if (!this.used) {
			return false;
		}
		TrackedCommand<?> command = this.commands.remove(task);
		if (command == null) {
			return false;
		}
		if (rejected) {
			command.onReject();
		}
		else {
			command.onCancel();
		}
		return true;
	}

	/**
	 * A run of the task ended. A task that is done will not run again, whether it completed,
	 * failed or was cancelled while it ran (which the JDK reports to no one).
	 */
	void afterRun(Runnable task) {
		if (!this.used || !(task instanceof RunnableScheduledFuture<?> future) || !future.isDone()) {
			return;
		}
		TrackedCommand<?> command = this.commands.remove(future);
		if (command != null && future.isCancelled()) {
			command.onCancel();
		}
	}

	/**
	 * Account for every task the executor finished with behind our back (shutdown policies
	 * cancel queued tasks after taking them out of the queue).
	 */
	void sweepDone() {
		this.commands.forEach((task, command) -> {
			if (task.isDone() && this.commands.remove(task, command) && task.isCancelled()) {
				command.onCancel();
			}
		});
	}

}
