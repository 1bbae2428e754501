package dev.timerwatch.autoconfigure.scheduling;

import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.timerwatch.scheduling.TaskAdmission;
import dev.timerwatch.scheduling.TrackedCommand;
import dev.timerwatch.scheduling.TrackedFuture;
import dev.timerwatch.scheduling.TrackedSubmission;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskOrigin;
import dev.timerwatch.tracking.TaskState;
import dev.timerwatch.tracking.TrackingFailures;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.Trigger;

/**
 * What tracking a {@code TaskScheduler} call does, whichever hook intercepts it: the task
 * (first argument) is admitted and replaced by its tracked command, the call proceeds, and
 * the returned {@link ScheduledFuture} is wrapped to observe cancellation. A task the
 * scheduler refuses is taken out of the counts and whatever was thrown passes on unchanged,
 * checked exceptions included.
 */
final class TaskSchedulerTracking {

	// Instants whose epoch milliseconds fit in a long: one beyond (Instant.MAX for "never") is
	// too far off to tell a delay for.
	private static final Instant EARLIEST = Instant.ofEpochMilli(Long.MIN_VALUE);

	private static final Instant LATEST = Instant.ofEpochMilli(Long.MAX_VALUE);

	private static final long NO_START = Long.MIN_VALUE;

	private final TaskAdmission admission;

	private final ScheduledMethodOrigins scheduledMethods = new ScheduledMethodOrigins();

	TaskSchedulerTracking(SchedulerTracker tracker) {
		// Spring's schedulers log a periodic task's failure and run it again.
		this.admission = new TaskAdmission(tracker, false);
	}

	SchedulerTracker tracker() {
		return this.admission.tracker();
	}

	/**
	 * Track one call of a scheduling method.
	 * @param <C> the type of the call's context
	 * @param kind how the method schedules its task
	 * @param callable whether the method takes its task as a {@code Callable}, which is then
	 * called even if it is also a {@code Runnable}
	 * @param arguments the call's arguments, the task first; replaced in place
	 * @param scheduler the scheduler called, whose clock tells a one-shot task's delay from
	 * the instant it is scheduled for
	 * @param call the call to the scheduler itself, with the given arguments
	 * @param context what the call needs besides the arguments (the method's proxy, the
	 * invocation), so that the call itself can be a constant and no call allocates one
	 * @return what the scheduler returned, its future wrapped
	 * @throws Throwable whatever the scheduler threw
	 */
	<C> @Nullable Object schedule(TaskKind kind, boolean callable, @Nullable Object[] arguments,
			@Nullable TaskScheduler scheduler, TaskAdmission.Submission<C, @Nullable Object[]> call, C context)
			throws Throwable {
		Object task = arguments[0];
		TrackedCommand<?> tracked = (task != null) ? admit(task, kind, callable, arguments, scheduler) : null;
		if (tracked == null) {
			return call.submit(context, arguments);
		}
		arguments[0] = tracked;
		if (kind == TaskKind.TRIGGER && arguments[1] instanceof Trigger trigger) {
			arguments[1] = new TrackedTrigger(trigger, tracked);
		}
		return trackedResult(this.admission.submit(tracked, call, context, arguments), tracked);
	}

	private @Nullable TrackedCommand<?> admit(Object task, TaskKind kind, boolean callable,
			@Nullable Object[] arguments, @Nullable TaskScheduler scheduler) {
		TaskOrigin method;
		try {
			method = this.scheduledMethods.originOf(task);
		}
		catch (Throwable ex) {
			method = null;
		}
		if (callable || !(task instanceof Runnable)) {
			return this.admission.admit((Callable<?>) task, -1, method);
		}
		// A one-shot task scheduled for an instant, schedule(task, Instant or Date): its delay is
		// by the scheduler's own clock, which it runs the task by. Other one-shot methods run the
		// task at once (execute, submit), and have no delay to tell.
		long startMillis = (kind == TaskKind.ONCE && arguments.length == 2) ? startMillis(arguments[1]) : NO_START;
		Clock clock = (startMillis != NO_START) ? clockOf(scheduler) : null;
		if (clock != null) {
			return this.admission.admitAt((Runnable) task, startMillis, clock, method);
		}
		return this.admission.admit((Runnable) task, kind, periodNanos(kind, arguments), -1, method);
	}

	// An instant too far off for epoch milliseconds (Instant.MAX for "never") has no start to
	// tell a delay by.
	private static long startMillis(@Nullable Object argument) {
		if (argument instanceof Instant instant && instant.isAfter(EARLIEST) && instant.isBefore(LATEST)) {
			return instant.toEpochMilli();
		}
		if (argument instanceof Date date && date.getTime() != NO_START) {
			return date.getTime();
		}
		return NO_START;
	}

	private static @Nullable Clock clockOf(@Nullable TaskScheduler scheduler) {
		if (scheduler == null) {
			return null;
		}
		try {
			return scheduler.getClock();
		}
		catch (Throwable ex) {
			// A scheduler whose clock cannot be had: the delay is unknown.
			TrackingFailures.report(ex);
			return null;
		}
	}

	private static @Nullable Object trackedResult(@Nullable Object result, TrackedCommand<?> tracked) {
		if (result instanceof ScheduledFuture<?> future) {
			if (future.isCancelled()) {
				// A scheduler that drops what it is given returns a future cancelled already.
				tracked.onCancel();
			}
			return new TrackedFuture<>(future, tracked);
		}
		if (result instanceof CompletableFuture<?> future) {
			future.whenComplete((value, failure) -> {
				if (failure instanceof CancellationException) {
					tracked.onCancel();
				}
				else if (tracked.trackedState() == TaskState.PENDING) {
					// Completed before its run by someone else (orTimeout, complete): the
					// executor's run then finds a result and skips the task, which never runs.
					// A task that ran completed the future after its own run had ended.
					tracked.onCancel();
				}
			});
			return result;
		}
		if (result instanceof Future<?> future) {
			// A FutureTask (SimpleAsyncTaskScheduler's submit, a ConcurrentTaskScheduler's over a
			// plain executor) cancelled before its run never calls the command: seen here.
			if (future.isCancelled()) {
				tracked.onCancel();
			}
			return new TrackedSubmission<>(future, tracked);
		}
		return result;
	}

	// The last argument of the fixed-rate and fixed-delay methods is the period: a Duration, or
	// milliseconds in the deprecated variants.
	private static long periodNanos(TaskKind kind, @Nullable Object[] arguments) {
		if (kind != TaskKind.FIXED_RATE && kind != TaskKind.FIXED_DELAY) {
			return -1;
		}
		Object last = arguments[arguments.length - 1];
		if (last instanceof Duration duration) {
			// Saturated as the schedulers convert it: a period of Long.MAX_VALUE milliseconds
			// (@Scheduled(fixedDelay = Long.MAX_VALUE), "run once") does not fit in nanoseconds.
			return TimeUnit.NANOSECONDS.convert(duration);
		}
		if (last instanceof Long millis) {
			return TimeUnit.MILLISECONDS.toNanos(millis);
		}
		return -1;
	}

	/**
	 * Whether a scheduling method takes its task as a {@code Callable}.
	 * @param method a method {@link #kindOf} gives a kind
	 * @return whether its first parameter is a {@code Callable}
	 */
	static boolean takesCallable(Method method) {
		return method.getParameterTypes()[0] == Callable.class;
	}

	/**
	 * How a method of a {@code TaskScheduler} (or of the task executor it also is) schedules
	 * the task it takes first.
	 * @param method a public method
	 * @return the kind, or {@code null} if the method schedules no task
	 */
	static @Nullable TaskKind kindOf(Method method) {
		Class<?>[] parameters = method.getParameterTypes();
		if (parameters.length == 0 || !(parameters[0] == Runnable.class || parameters[0] == Callable.class)) {
			return null;
		}
		return switch (method.getName()) {
			case "schedule" -> (parameters.length > 1 && parameters[1] == Trigger.class) ? TaskKind.TRIGGER
					: TaskKind.ONCE;
			case "scheduleAtFixedRate" -> TaskKind.FIXED_RATE;
			case "scheduleWithFixedDelay" -> TaskKind.FIXED_DELAY;
			case "execute", "submit", "submitCompletable" -> TaskKind.ONCE;
			default -> null;
		};
	}

}
