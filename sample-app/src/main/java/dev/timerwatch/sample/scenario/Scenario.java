package dev.timerwatch.sample.scenario;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.TaskScheduler;

/**
 * A workload that runs in the background until stopped: a driver task calls {@link #step}
 * at a fixed rate, standing in for the requests, messages or events that drive real code.
 */
public abstract class Scenario {

	private final TaskScheduler scheduler;

	private final Duration stepInterval;

	private @Nullable ScheduledFuture<?> driver;

	private @Nullable Variant variant;

	protected Scenario(TaskScheduler scheduler, Duration stepInterval) {
		this.scheduler = scheduler;
		this.stepInterval = stepInterval;
	}

	/**
	 * The name used in {@code /scenarios/{name}}.
	 * @return the name
	 */
	public abstract String name();

	/**
	 * What the scenario does and which incident it comes from.
	 * @return the description
	 */
	public abstract String description();

	/**
	 * One step of work in the given variant.
	 * @param variant which code runs
	 */
	protected abstract void step(Variant variant);

	/**
	 * Release whatever the scenario holds (the fixed variant's timers, say) when stopped.
	 */
	protected void release() {
	}

	/**
	 * Start, or switch to another variant.
	 * @param variant which code runs
	 */
	public synchronized void start(Variant variant) {
		stop();
		this.variant = variant;
		this.driver = this.scheduler.scheduleAtFixedRate(() -> step(variant), this.stepInterval);
	}

	public synchronized void stop() {
		if (this.driver != null) {
			this.driver.cancel(false);
			this.driver = null;
		}
		release();
		this.variant = null;
	}

	public synchronized @Nullable Variant variant() {
		return this.variant;
	}

}
