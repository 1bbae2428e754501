package dev.timerwatch.autoconfigure.scheduling;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.timerwatch.scheduling.TaskAdmission;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.TaskScheduler;

/**
 * Tracks a {@code TaskScheduler} that is already a Spring AOP proxy (a user's own advice on
 * the bean): added to the proxy's advice chain, first. A scheduler that is no proxy gets
 * {@link TrackingTaskSchedulerProxy} instead, which is cheaper per call.
 */
final class TaskSchedulerTrackingInterceptor implements MethodInterceptor {

	private static final TaskAdmission.Submission<MethodInvocation, @Nullable Object[]> PROCEED = (invocation,
			arguments) -> invocation.proceed();

	private final TaskSchedulerTracking tracking;

	private final Map<Method, Optional<Route>> routes = new ConcurrentHashMap<>();

	TaskSchedulerTrackingInterceptor(SchedulerTracker tracker) {
		this.tracking = new TaskSchedulerTracking(tracker);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Route route = this.routes.computeIfAbsent(invocation.getMethod(), Route::of).orElse(null);
		if (route == null) {
			return invocation.proceed();
		}
		TaskScheduler scheduler = (invocation.getThis() instanceof TaskScheduler target) ? target : null;
		// The invocation proceeds with the arguments it holds, which schedule replaces in place.
		return this.tracking.schedule(route.kind(), route.callable(), invocation.getArguments(), scheduler, PROCEED,
				invocation);
	}

	/**
	 * How a method schedules its task, read once per method.
	 */
	private record Route(TaskKind kind, boolean callable) {

		static Optional<Route> of(Method method) {
			TaskKind kind = TaskSchedulerTracking.kindOf(method);
			return (kind != null) ? Optional.of(new Route(kind, TaskSchedulerTracking.takesCallable(method)))
					: Optional.empty();
		}

	}

}
