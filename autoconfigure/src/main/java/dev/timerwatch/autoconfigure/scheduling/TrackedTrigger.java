package dev.timerwatch.autoconfigure.scheduling;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import dev.timerwatch.scheduling.TrackedCommand;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.Trigger;
import org.springframework.scheduling.TriggerContext;

/**
 * The user's {@link Trigger}, telling the tracked task when it has no next run. Spring's
 * schedulers ask the trigger once before the first run and once per run after that; when it
 * answers {@code null} the task is over (completed) once the runs already handed off have run,
 * and when it throws, which also ends the task inside Spring, the task has failed, without any
 * future completing or being cancelled either way, so nothing else would tell the tracker.
 * The answers are counted so that a run handed off but not yet started when the trigger ends
 * (a {@code SimpleAsyncTaskScheduler} asks right after the hand-off) is still tracked.
 */
final class TrackedTrigger implements Trigger {

	private final Trigger trigger;

	private final TrackedCommand<?> command;

	private final AtomicInteger runsHandedOff = new AtomicInteger();

	TrackedTrigger(Trigger trigger, TrackedCommand<?> command) {
		this.trigger = trigger;
		this.command = command;
	}

	@Override
	public @Nullable Instant nextExecution(TriggerContext triggerContext) {
		Instant next;
		try {
			next = this.trigger.nextExecution(triggerContext);
		}
		catch (Throwable ex) {
			// On the first call the scheduling call itself throws, and the admission takes the
			// task out of the counts; later, Spring drops the task, telling no one: it failed.
			// Any throwable: a checked exception thrown sneakily (a Kotlin trigger's IOException)
			// ends the task as well, and is thrown on as it is.
			int handedOff = this.runsHandedOff.get();
			if (handedOff > 0) {
				this.command.onTriggerFailed(handedOff, ex);
			}
			throw ex;
		}
		if (next == null) {
			this.command.onNoNextRun(this.runsHandedOff.get());
		}
		else {
			this.runsHandedOff.incrementAndGet();
		}
		return next;
	}

	@Override
	public String toString() {
		return this.trigger.toString();
	}

}
