package dev.timerwatch.autoconfigure.scheduling;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.timerwatch.scheduling.TrackedCommand;
import dev.timerwatch.scheduling.TrackedFuture;
import dev.timerwatch.tracking.PendingBucket;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskOrigin;
import dev.timerwatch.tracking.TrackingFailures;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.Trigger;

/**
 * Tracks the tasks handed to a {@code TaskScheduler}: each task is wrapped to observe its
 * runs, and the returned {@link ScheduledFuture} is wrapped to observe cancellation. A
 * task the scheduler refuses is taken out of the counts and the exception passed on.
 */
final class TaskSchedulerTrackingInterceptor implements MethodInterceptor {

	private final SchedulerTracker tracker;

	private final ScheduledMethodOrigins scheduledMethods = new ScheduledMethodOrigins();

	TaskSchedulerTrackingInterceptor(SchedulerTracker tracker) {
		this.tracker = tracker;
	}

	SchedulerTracker getTracker() {
		return this.tracker;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object[] arguments = invocation.getArguments();
		TaskKind kind = kindOf(invocation.getMethod());
		if (kind == null || arguments[0] == null) {
			return invocation.proceed();
		}
		TrackedCommand<?> tracked = track(arguments[0], kind, periodNanos(kind, arguments), firstRunNanos(arguments));
		if (tracked == null) {
			return invocation.proceed();
		}
		arguments[0] = tracked;
		Object result;
		try {
			result = invocation.proceed();
		}
		catch (Throwable ex) {
			tracked.onReject();
			throw ex;
		}
		return trackedResult(result, tracked);
	}

	private @Nullable TrackedCommand<?> track(Object task, TaskKind kind, long periodNanos, long firstRunNanos) {
		try {
			TaskOrigin method = this.scheduledMethods.originOf(task);
			PendingBucket bucket = (method != null) ? this.tracker.admit(method, kind, periodNanos)
					: this.tracker.admit(task, kind, periodNanos);
			if (task instanceof Runnable runnable) {
				// Spring's schedulers log a periodic task's failure and run it again.
				return (periodNanos > 0) ? TrackedCommand.periodic(runnable, bucket, kind, false, firstRunNanos, periodNanos)
						: TrackedCommand.of(runnable, bucket, kind, false);
			}
			return TrackedCommand.of((Callable<?>) task, bucket);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
			return null;
		}
	}

	private static @Nullable Object trackedResult(@Nullable Object result, TrackedCommand<?> tracked) {
		if (result instanceof ScheduledFuture<?> future) {
			return new TrackedFuture<>(future, tracked);
		}
		if (result instanceof CompletableFuture<?> future) {
			future.whenComplete((value, failure) -> {
				if (failure instanceof CancellationException) {
					tracked.onCancel();
				}
			});
		}
		return result;
	}

	// The last argument of the fixed-rate and fixed-delay methods is the period: a Duration, or
	// milliseconds in the deprecated variants.
	private static long periodNanos(TaskKind kind, Object[] arguments) {
		if (kind != TaskKind.FIXED_RATE && kind != TaskKind.FIXED_DELAY) {
			return -1;
		}
		Object last = arguments[arguments.length - 1];
		if (last instanceof Duration duration) {
			return duration.toNanos();
		}
		if (last instanceof Long millis) {
			return TimeUnit.MILLISECONDS.toNanos(millis);
		}
		return -1;
	}

	// A start time, when given, is the second argument; without one the first run is due now.
	private static long firstRunNanos(Object[] arguments) {
		long now = System.nanoTime();
		Object start = (arguments.length > 2) ? arguments[1] : null;
		if (start instanceof Instant instant) {
			return now + Duration.between(Instant.now(), instant).toNanos();
		}
		if (start instanceof Date date) {
			return now + Duration.between(Instant.now(), date.toInstant()).toNanos();
		}
		return now;
	}

	private static @Nullable TaskKind kindOf(Method method) {
		Class<?>[] parameters = method.getParameterTypes();
		if (parameters.length == 0
				|| !(parameters[0] == Runnable.class || parameters[0] == Callable.class)) {
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
