package dev.timerwatch.delays;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.timerwatch.scheduling.TrackingScheduledExecutorService;
import dev.timerwatch.scheduling.TrackingScheduledThreadPoolExecutor;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The executor paths that tell a one-shot task's delay, each made on a given registry.
 */
final class TrackedExecutors {

	/** The interface decorator around a JDK executor. */
	static final Function<TimerRegistry, ScheduledExecutorService> DECORATOR = (
			registry) -> new TrackingScheduledExecutorService(Executors.newScheduledThreadPool(1), registry,
					"decorator");

	/** The tracking executor under the JDK's default policy: tasks are admitted in decorateTask. */
	static final Function<TimerRegistry, ScheduledExecutorService> DEFAULT_POLICY = (
			registry) -> new TrackingScheduledThreadPoolExecutor(1, registry, "default");

	/** The tracking executor under remove-on-cancel: tasks are admitted in schedule. */
	static final Function<TimerRegistry, ScheduledExecutorService> REMOVE_ON_CANCEL = (registry) -> {
		TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(1, registry,
				"remove-on-cancel");
		executor.setRemoveOnCancelPolicy(true);
		return executor;
	};

	private TrackedExecutors() {
	}

	/**
	 * The three paths, named, as arguments of a parameterized test.
	 * @return one argument set per path
	 */
	static Stream<Arguments.ArgumentSet> paths() {
		return Stream.of(Arguments.argumentSet("interface decorator", DECORATOR),
				Arguments.argumentSet("executor, default policy", DEFAULT_POLICY),
				Arguments.argumentSet("executor, remove-on-cancel", REMOVE_ON_CANCEL));
	}

}
