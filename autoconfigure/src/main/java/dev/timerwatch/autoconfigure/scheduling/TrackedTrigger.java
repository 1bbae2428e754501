package dev.timerwatch.autoconfigure.scheduling;

import java.time.Instant;

import dev.timerwatch.scheduling.TrackedCommand;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.Trigger;
import org.springframework.scheduling.TriggerContext;

/**
 * The user's {@link Trigger}, telling the tracked task when it has no next run. Spring's
 * schedulers ask the trigger once before the first run and after each run; when it answers
 * {@code null} the task is over, without any future completing or being cancelled, so
 * nothing else would tell the tracker.
 */
final class TrackedTrigger implements Trigger {

	private final Trigger trigger;

	private final TrackedCommand<?> command;

	TrackedTrigger(Trigger trigger, TrackedCommand<?> command) {
		this.trigger = trigger;
		this.command = command;
	}

	@Override
	public @Nullable Instant nextExecution(TriggerContext triggerContext) {
		Instant next = this.trigger.nextExecution(triggerContext);
		if (next == null) {
			this.command.onNoNextRun();
		}
		return next;
	}

	@Override
	public String toString() {
		return this.trigger.toString();
	}

}
