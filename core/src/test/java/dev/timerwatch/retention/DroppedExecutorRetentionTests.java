package dev.timerwatch.retention;

import java.lang.ref.WeakReference;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import dev.timerwatch.scheduling.TrackingScheduledExecutorService;
import dev.timerwatch.scheduling.TrackingScheduledThreadPoolExecutor;
import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.TimerRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An executor the application drops without shutting it down, once it has no thread left (a
 * pool of core size 0 whose worker timed out), is collected when raw; tracked, it must be too,
 * and its tracker must leave the registry: a per-call executor would otherwise pile up there.
 */
class DroppedExecutorRetentionTests {

	private final AtomicLong clock = new AtomicLong(1_000_000);

	private final TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), this.clock::get, 1_000,
			100, 3);

	@Test
	void aRawExecutorWithNoThreadLeftIsCollectedOnceDropped() throws Exception {
		WeakReference<Object> executor = use((registry) -> Executors.newScheduledThreadPool(0));
		assertThat(collected(executor, false)).as("raw executor collected").isTrue();
	}

	@Test
	void aDroppedInterfaceDecoratorWithNothingPendingIsCollectedAndLeavesTheRegistry() throws Exception {
		WeakReference<Object> executor = use(
				(r) -> new TrackingScheduledExecutorService(Executors.newScheduledThreadPool(0), r, "per-call"));
		assertThat(collected(executor, true)).as("executor collected").isTrue();
		assertThat(this.registry.schedulers()).as("schedulers still registered").isEmpty();
	}

	@Test
	void aDroppedTrackingExecutorWithNothingPendingIsCollectedAndLeavesTheRegistry() throws Exception {
		WeakReference<Object> executor = use((r) -> new TrackingScheduledThreadPoolExecutor(0, r, "per-call"));
		assertThat(collected(executor, true)).as("executor collected").isTrue();
		assertThat(this.registry.schedulers()).as("schedulers still registered").isEmpty();
	}

	@Test
	void aDroppedInterfaceDecoratorShutDownWithDelayedTasksDroppedByItsPolicyLeavesTheRegistry() throws Exception {
		ScheduledThreadPoolExecutor raw = new ScheduledThreadPoolExecutor(1);
		raw.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		ScheduledExecutorService executor = new TrackingScheduledExecutorService(raw, this.registry, "per-call");
		executor.schedule(DroppedExecutorRetentionTests::noop, 1, TimeUnit.HOURS);
		executor.shutdown();
		WeakReference<Object> reference = new WeakReference<>(raw);
		raw = null;
		executor = null;
		assertThat(collected(reference, true)).as("executor collected").isTrue();
		assertThat(this.registry.schedulers()).as("schedulers still registered").isEmpty();
	}

	@Test
	void aDroppedDecoratorOfAWrapperStaysReportedWhileItsTaskWaitsInTheExecutorUnderIt() throws Exception {
		ScheduledThreadPoolExecutor shared = new ScheduledThreadPoolExecutor(1);
		try {
			CountDownLatch release = new CountDownLatch(1);
			WeakReference<Object> wrapper = scheduleThroughADroppedWrapper(shared, release);
			for (int i = 0; i < 20 && wrapper.get() != null; i++) {
				collectAndMaintain();
			}
			assertThat(wrapper.get()).as("wrapper collected").isNull();
			collectAndMaintain();
			assertThat(this.registry.schedulers()).as("reported while its task waits").hasSize(1);
			assertThat(this.registry.schedulers().iterator().next().origins()).singleElement()
				.satisfies((origin) -> assertThat(origin.pending() + origin.running()).isEqualTo(1));
			release.countDown();
			assertThat(collected(wrapper, true)).as("tracker gone once the task ran").isTrue();
			assertThat(this.registry.schedulers()).isEmpty();
		}
		finally {
			shared.shutdownNow();
		}
	}

	private WeakReference<Object> scheduleThroughADroppedWrapper(ScheduledThreadPoolExecutor shared,
			CountDownLatch release) {
		// What Executors' wrappers do: the tasks wait in an executor the wrapper does not own.
		ScheduledExecutorService wrapper = Executors.unconfigurableScheduledExecutorService(shared);
		new TrackingScheduledExecutorService(wrapper, this.registry, "wrapped").schedule(() -> {
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, 0, TimeUnit.MILLISECONDS);
		return new WeakReference<>(wrapper);
	}

	private WeakReference<Object> use(Function<TimerRegistry, ScheduledExecutorService> factory) throws Exception {
		ScheduledExecutorService executor = factory.apply(this.registry);
		executor.schedule(DroppedExecutorRetentionTests::noop, 1, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
		Object underlying = (executor instanceof TrackingScheduledExecutorService decorator) ? decorator.getDelegate()
				: executor;
		return new WeakReference<>(underlying);
	}

	private boolean collected(WeakReference<@Nullable Object> reference, boolean unregistered)
			throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (System.nanoTime() < deadline) {
			collectAndMaintain();
			if (reference.get() == null && (!unregistered || this.registry.schedulers().isEmpty())) {
				return true;
			}
		}
		return false;
	}

	private void collectAndMaintain() throws InterruptedException {
		System.gc();
		this.clock.addAndGet(1_000);
		this.registry.advance();
		Thread.sleep(50);
	}

	private static void noop() {
	}

}
