package dev.timerwatch.autoconfigure.scheduling;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.timerwatch.scheduling.TaskAdmission;
import dev.timerwatch.scheduling.TrackedCommand;
import dev.timerwatch.scheduling.TrackedFuture;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskOrigin;
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

	private final TaskAdmission admission;

	private final ScheduledMethodOrigins scheduledMethods = new ScheduledMethodOrigins();

	TaskSchedulerTrackingInterceptor(SchedulerTracker tracker) {
		// Spring's schedulers log a periodic task's failure and run it again.
		this.admission = new TaskAdmission(tracker, false);
	}

	SchedulerTracker getTracker() {
		return this.admission.tracker();
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object[] arguments = invocation.getArguments();
		TaskKind kind = kindOf(invocation.getMethod());
		if (kind == null || arguments[0] == null) {
			return invocation.proceed();
		}
		TrackedCommand<?> tracked = admit(arguments[0], kind, periodNanos(kind, arguments));
		if (tracked == null) {
			return invocation.proceed();
		}
		arguments[0] = tracked;
		return trackedResult(this.admission.submit(tracked, () -> proceed(invocation)), tracked);
	}

	private static @Nullable Object proceed(MethodInvocation invocation) {
		try {
			return invocation.proceed();
		}
		catch (Throwable ex) {
			throw TaskSchedulerTrackingInterceptor.<RuntimeException>sneaky(ex);
		}
	}

	@SuppressWarnings("unchecked")
	private static <E extends Throwable> E sneaky(Throwable ex) throws E {
		throw (E) ex;
	}

	private @Nullable TrackedCommand<?> admit(Object task, TaskKind kind, long periodNanos) {
		TaskOrigin method;
		try {
			method = this.scheduledMethods.originOf(task);
		}
		catch (Throwable ex) {
			method = null;
		}
		if (task instanceof Runnable runnable) {
			return this.admission.admit(runnable, kind, periodNanos, method);
		}
		return this.admission.admit((Callable<?>) task, method);
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
