package dev.timerwatch.scheduling;

import dev.timerwatch.tracking.TaskKind;

/**
 * Carries a periodic command's kind from {@code scheduleAtFixedRate} or
 * {@code scheduleWithFixedDelay} to {@code decorateTask}, which only sees the command. The
 * executor never hands commands back to callers (only the futures that wrap them), so the
 * extra layer is invisible.
 */
final class PeriodicCommand implements Runnable {

	final Runnable command;

	final TaskKind kind;

	final long periodNanos;

	PeriodicCommand(Runnable command, TaskKind kind, long periodNanos) {
		this.command = command;
		this.kind = kind;
		this.periodNanos = periodNanos;
	}

	@Override
	public void run() {
		this.command.run();
	}

	@Override
	public String toString() {
		return this.command.toString();
	}

}
