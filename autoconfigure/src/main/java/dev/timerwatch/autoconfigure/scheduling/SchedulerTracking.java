package dev.timerwatch.autoconfigure.scheduling;

import java.lang.ref.WeakReference;
import java.lang.reflect.Modifier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import dev.timerwatch.scheduling.TrackingScheduledExecutorService;
import dev.timerwatch.scheduling.TrackingScheduledThreadPoolExecutor;
import dev.timerwatch.tracking.SchedulerProbe;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskOrigin;
import dev.timerwatch.tracking.TimerRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.Advised;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.NoOpTaskScheduler;

/**
 * Puts a scheduler under tracking: the one place that decides how, for scheduler beans (see
 * {@link SchedulerTrackingPostProcessor}), for the scheduler a {@code SchedulingConfigurer}
 * sets, and for schedulers an application or a library creates in code. Inject it and pass
 * such a scheduler through it where it is created:
 * <pre class="code">
 * this.timeouts = tracking.track(Executors.newScheduledThreadPool(2), "ws-timeouts");
 * </pre>
 * The returned scheduler is the same tracking decorator a bean gets, reporting to the
 * application's {@link TimerRegistry}; a scheduler that is already tracked is returned as it
 * is, so nothing is counted twice.
 */
public final class SchedulerTracking {

	private static final Log logger = LogFactory.getLog(SchedulerTracking.class);

	private final Supplier<TimerRegistry> registry;

	private final Predicate<Object> leftAlone;

	/**
	 * Create the tracking of one application.
	 * @param registry the application's registry, looked up when first needed
	 */
	public SchedulerTracking(Supplier<TimerRegistry> registry) {
		this(registry, (scheduler) -> false);
	}

	private SchedulerTracking(Supplier<TimerRegistry> registry, Predicate<Object> leftAlone) {
		this.registry = registry;
		this.leftAlone = leftAlone;
	}

	/**
	 * Create the tracking of one application context, which leaves the Mockito mocks and spies
	 * of a test ({@code @MockitoBean}, {@code @MockitoSpyBean}) as they are.
	 * @param registry the application's registry, looked up when first needed
	 * @param beanFactory the context's bean factory
	 * @return the tracking
	 */
	public static SchedulerTracking of(Supplier<TimerRegistry> registry, @Nullable BeanFactory beanFactory) {
		return new SchedulerTracking(registry, (scheduler) -> MockitoBeans.isTestMock(scheduler, beanFactory));
	}

	/**
	 * The tracking of an application that has timerwatch turned off
	 * ({@code timerwatch.enabled=false}): every scheduler given to it is returned as it is,
	 * so code that tracks the schedulers it creates runs unchanged, and untracked.
	 * @return tracking that tracks nothing
	 */
	public static SchedulerTracking off() {
		return new SchedulerTracking(() -> {
			throw new IllegalStateException("timerwatch is turned off (timerwatch.enabled=false)");
		}, (scheduler) -> true);
	}

	/**
	 * The origin of a task that runs a {@code @Scheduled} method, for the registry to ask about
	 * tasks of Spring's classes ({@link TimerRegistry#setDeclaredOrigins}): on an executor that
	 * is no {@code TaskScheduler} (a {@code ScheduledExecutorService} bean runs the
	 * {@code @Scheduled} methods then), the call site of every one of them would be the same
	 * line of the application that started the context.
	 * @return the origins of scheduled methods
	 */
	public static Function<Object, @Nullable TaskOrigin> scheduledMethodOrigins() {
		return new ScheduledMethodOrigins()::originOf;
	}

	/**
	 * Whether a scheduler is to be left as it is: a test's mock or spy, or a scheduler over one.
	 * @param scheduler a scheduler
	 * @return whether to leave it alone
	 */
	boolean leavesAlone(Object scheduler) {
		return this.leftAlone.test(scheduler) || (scheduler instanceof ConcurrentTaskScheduler concurrent
				&& this.leftAlone.test(concurrent.getConcurrentExecutor()));
	}

	/**
	 * Track a {@link ScheduledExecutorService} created in code. It is wrapped in a
	 * {@link TrackingScheduledExecutorService}, so declare what holds it as a
	 * {@code ScheduledExecutorService}; shutting the returned decorator down shuts the
	 * executor down.
	 * @param executor the executor
	 * @param name the name it is reported under
	 * @return the tracking decorator, or the executor itself if it is tracked already
	 */
	public ScheduledExecutorService track(ScheduledExecutorService executor, String name) {
		if (isTracked(executor) || leavesAlone(executor)) {
			return executor;
		}
		return new TrackingScheduledExecutorService(executor, this.registry.get(), name);
	}

	/**
	 * Track a {@link TaskScheduler} created in code. The result is a subclass of the
	 * scheduler's class that hands every call to it, so it can stand wherever the scheduler
	 * stood. A scheduler that cannot be tracked that way (its class is final) is returned as
	 * it is, with a warning.
	 * @param <S> the scheduler's type
	 * @param scheduler the scheduler
	 * @param name the name it is reported under
	 * @return the tracked scheduler, or the scheduler itself
	 */
	@SuppressWarnings("unchecked")
	public <S extends TaskScheduler> S track(S scheduler, String name) {
		Tracked tracked = trackTaskScheduler(scheduler, name);
		if (tracked.reason() != null) {
			logger.warn("timerwatch cannot track the scheduler '" + name + "': " + tracked.reason());
		}
		return (S) tracked.scheduler();
	}

	/**
	 * Whether a scheduler reports to a tracker already, itself or through what it delegates to.
	 * @param scheduler a scheduler
	 * @return whether it is tracked
	 */
	public static boolean isTracked(Object scheduler) {
		if (scheduler instanceof TrackingScheduledThreadPoolExecutor
				|| scheduler instanceof TrackingScheduledExecutorService
				|| TrackingTaskSchedulerProxy.isProxy(scheduler)) {
			return true;
		}
		if (scheduler instanceof Advised advised) {
			for (var advisor : advised.getAdvisors()) {
				if (advisor.getAdvice() instanceof TaskSchedulerTrackingInterceptor) {
					return true;
				}
			}
		}
		// What ScheduledTaskRegistrar.setScheduler makes of a ScheduledExecutorService bean.
		return scheduler instanceof ConcurrentTaskScheduler concurrent
				&& isTracked(concurrent.getConcurrentExecutor());
	}

	Tracked trackTaskScheduler(TaskScheduler scheduler, String name) {
		if (isTracked(scheduler) || scheduler instanceof NoOpTaskScheduler || leavesAlone(scheduler)) {
			// Spring's NoOpTaskScheduler (scheduling switched off in tests) never runs anything.
			return new Tracked(scheduler, null);
		}
		Class<?> type = AopUtils.getTargetClass(scheduler);
		if (!(scheduler instanceof Advised) && Modifier.isFinal(type.getModifiers())) {
			return new Tracked(scheduler, "its class " + type.getName() + " is final and cannot be proxied");
		}
		if (scheduler instanceof Advised advised && advised.isFrozen()) {
			return new Tracked(scheduler, "it is a frozen AOP proxy");
		}
		SchedulerTracker tracker = this.registry.get().register(name, type.getSimpleName());
		tracker.attach(scheduler, probeFor(scheduler));
		if (scheduler instanceof Advised advised) {
			advised.addAdvice(0, new TaskSchedulerTrackingInterceptor(tracker));
			return new Tracked(scheduler, null);
		}
		try {
			return new Tracked(TrackingTaskSchedulerProxy.create(scheduler, type, tracker), null);
		}
		catch (RuntimeException | LinkageError ex) {
			// A class CGLIB cannot subclass here: the application runs on, untracked.
			tracker.close();
			return new Tracked(scheduler, "its class " + type.getName() + " could not be proxied (" + ex + ")");
		}
	}

	private static SchedulerProbe probeFor(TaskScheduler scheduler) {
		if (scheduler instanceof ThreadPoolTaskScheduler threadPool) {
			return new ThreadPoolTaskSchedulerProbe(threadPool);
		}
		if (scheduler instanceof SimpleAsyncTaskScheduler simple) {
			return new SimpleAsyncTaskSchedulerProbe(simple);
		}
		if (scheduler instanceof ConcurrentTaskScheduler concurrent
				&& concurrent.getConcurrentExecutor() instanceof ExecutorService executor) {
			return terminatedWhen(executor::isTerminated);
		}
		return SchedulerProbe.NONE;
	}

	// For schedulers that tell no figure but whether they have terminated.
	private static SchedulerProbe terminatedWhen(BooleanSupplier terminated) {
		return new SchedulerProbe() {

			@Override
			public boolean isTerminated() {
				return terminated.getAsBoolean();
			}

		};
	}

	/**
	 * Reads a {@link SimpleAsyncTaskScheduler}, held weakly as its tracker holds it: used to
	 * {@code execute} and {@code submit} only, it has no lasting thread, and one the application
	 * drops unclosed can be collected. Its scheduled tasks wait in its own trigger executor,
	 * whose thread keeps it reachable while it lives: once it is collected they never run, and
	 * its tracker leaves the registry when the runs on their own threads have ended.
	 */
	private static final class SimpleAsyncTaskSchedulerProbe implements SchedulerProbe {

		private final WeakReference<SimpleAsyncTaskScheduler> scheduler;

		SimpleAsyncTaskSchedulerProbe(SimpleAsyncTaskScheduler scheduler) {
			this.scheduler = new WeakReference<>(scheduler);
		}

		@Override
		public boolean isTerminated() {
			SimpleAsyncTaskScheduler scheduler = this.scheduler.get();
			return scheduler != null && !scheduler.isActive();
		}

		@Override
		public boolean pendingTasksOutliveTheScheduler() {
			return false;
		}

	}

	/**
	 * What tracking made of a scheduler.
	 * @param scheduler the scheduler to use from now on
	 * @param reason why it is not tracked, or {@code null} if it is
	 */
	record Tracked(Object scheduler, @Nullable String reason) {
	}

}
