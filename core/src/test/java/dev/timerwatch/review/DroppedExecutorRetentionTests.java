package dev.timerwatch.review;

import java.lang.ref.WeakReference;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import dev.timerwatch.scheduling.TrackingScheduledExecutorService;
import dev.timerwatch.scheduling.TrackingScheduledThreadPoolExecutor;
import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README: "A scheduler leaves the registry when it terminates, or, if the application drops it
 * without shutting it down, once it has been collected and none of its tasks is pending or
 * running". An executor whose threads have all timed out (core size 0) is collectable when
 * raw; tracked, its probe holds it strongly from the registry.
 */
class DroppedExecutorRetentionTests {

	@Test
	void aRawExecutorWithNoThreadLeftIsCollectedOnceDropped() throws Exception {
		WeakReference<Object> executor = use((registry) -> Executors.newScheduledThreadPool(0), null);
		assertThat(collected(executor, null, null)).as("raw executor collected").isTrue();
	}

	@Test
	void aDroppedInterfaceDecoratorWithNothingPendingLeavesTheRegistry() throws Exception {
		AtomicLong clock = new AtomicLong(1_000_000);
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), clock::get, 1_000, 100, 3);
		WeakReference<Object> executor = use(
				(r) -> new TrackingScheduledExecutorService(Executors.newScheduledThreadPool(0), r, "per-call"),
				registry);
		assertThat(collected(executor, registry, clock)).as("decorator collected").isTrue();
		assertThat(registry.schedulers()).as("schedulers still registered").isEmpty();
	}

	@Test
	void aDroppedTrackingExecutorWithNothingPendingLeavesTheRegistry() throws Exception {
		AtomicLong clock = new AtomicLong(1_000_000);
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), clock::get, 1_000, 100, 3);
		WeakReference<Object> executor = use((r) -> new TrackingScheduledThreadPoolExecutor(0, r, "per-call"),
				registry);
		assertThat(collected(executor, registry, clock)).as("executor collected").isTrue();
		assertThat(registry.schedulers()).as("schedulers still registered").isEmpty();
	}

	private static WeakReference<Object> use(Function<TimerRegistry, ScheduledExecutorService> factory,
			TimerRegistry registry) throws Exception {
		ScheduledExecutorService executor = factory.apply(registry);
		executor.schedule(() -> {
		}, 1, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
		Object underlying = (executor instanceof TrackingScheduledExecutorService decorator) ? decorator.getDelegate()
				: executor;
		return new WeakReference<>(underlying);
	}

	private static boolean collected(WeakReference<Object> reference, TimerRegistry registry, AtomicLong clock)
			throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (System.nanoTime() < deadline) {
			System.gc();
			if (registry != null) {
				clock.addAndGet(1_000);
				registry.advance();
			}
			if (reference.get() == null && (registry == null || registry.schedulers().isEmpty())) {
				return true;
			}
			Thread.sleep(50);
		}
		return reference.get() == null;
	}

	@Test
	void aDroppedInterfaceDecoratorShutDownWithCancelledDelayedTasksLeavesTheRegistry() throws Exception {
		AtomicLong clock = new AtomicLong(1_000_000);
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), clock::get, 1_000, 100, 3);
		java.util.concurrent.ScheduledThreadPoolExecutor raw = new java.util.concurrent.ScheduledThreadPoolExecutor(1);
		raw.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		ScheduledExecutorService executor = new TrackingScheduledExecutorService(raw, registry, "per-call");
		executor.schedule(() -> {
		}, 1, TimeUnit.HOURS);
		executor.shutdown();
		WeakReference<Object> reference = new WeakReference<>(raw);
		raw = null;
		executor = null;
		assertThat(collected(reference, registry, clock)).as("executor collected").isTrue();
		assertThat(registry.schedulers()).as("schedulers still registered").isEmpty();
	}

}
