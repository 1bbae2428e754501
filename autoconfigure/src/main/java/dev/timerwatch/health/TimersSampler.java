package dev.timerwatch.health;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.timerwatch.trend.LeakDetector;
import dev.timerwatch.trend.LeakHints;
import dev.timerwatch.trend.OriginVerdict;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@link LeakDetector} at its sampling interval on a daemon thread of its own, logs
 * each origin that starts leaking once with a {@code TIMER LEAK:} prefix, and then runs any
 * listeners (the meters bind new origins here).
 */
public class TimersSampler implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(TimersSampler.class);

	private final LeakDetector detector;

	private final Duration interval;

	private final List<Runnable> afterSample;

	private final boolean stacksShown;

	private @Nullable ScheduledExecutorService executor;

	private final AtomicBoolean failureLogged = new AtomicBoolean();

	public TimersSampler(LeakDetector detector, Duration interval, List<Runnable> afterSample) {
		this(detector, interval, afterSample, false);
	}

	/**
	 * Create a sampler.
	 * @param detector the detector to sample
	 * @param interval the time between samples
	 * @param afterSample work to run after each sample
	 * @param stacksShown whether the endpoint shows creating stacks to every reader
	 * ({@code management.endpoint.timers.show-details=always}): a {@code TIMER LEAK:} line then
	 * does not ask for them
	 */
	public TimersSampler(LeakDetector detector, Duration interval, List<Runnable> afterSample, boolean stacksShown) {
		this.detector = detector;
		this.interval = interval;
		this.afterSample = List.copyOf(afterSample);
		this.stacksShown = stacksShown;
	}

	/**
	 * Work done on the sampler's thread after each sample, contributed as a bean (the meters
	 * bind new origins here). A type of its own, free of optional dependencies, so that the
	 * sampler can look such beans up whether or not Micrometer is on the classpath.
	 */
	@FunctionalInterface
	public interface AfterSample {

		void run();

	}

	@Override
	public synchronized void start() {
		if (this.executor != null) {
			return;
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "timerwatch-sampler");
			thread.setDaemon(true);
			return thread;
		});
		executor.scheduleWithFixedDelay(this::sample, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
		this.executor = executor;
	}

	/**
	 * Take one sample now. Never throws: the detector and each listener run apart, so that a
	 * failure of one (logged the first time, then at debug level) stops none of the others,
	 * and the next sample goes on.
	 */
	public void sample() {
		try {
			for (OriginVerdict verdict : this.detector.sample()) {
				logger.warn(LeakHints.leakMessage(verdict, this.stacksShown));
			}
		}
		catch (Throwable ex) {
			failed("could not judge pending tasks", ex);
		}
		for (Runnable listener : this.afterSample) {
			try {
				listener.run();
			}
			catch (Throwable ex) {
				failed("failed after a sample", ex);
			}
		}
	}

	private void failed(String what, Throwable ex) {
		boolean first = this.failureLogged.compareAndSet(false, true);
		try {
			if (first) {
				logger.warn("timerwatch " + what + "; later failures of the sampler are logged at debug level", ex);
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("timerwatch " + what, ex);
			}
		}
		catch (Throwable loggingFailure) {
			// Logging reads the exception's message, which may itself throw: a sample that threw
			// would end the sampler's fixed-delay schedule for good. Said without the exception,
			// at the level it was to be said at.
			try {
				String message = "timerwatch " + what + " (" + ex.getClass().getName() + ", which could not be logged)";
				if (first) {
					logger.warn(message);
				}
				else {
					logger.debug(message);
				}
			}
			catch (Throwable ignored) {
				// Nothing left to tell with.
			}
		}
	}

	@Override
	public synchronized void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

}
