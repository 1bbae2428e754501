package dev.timerwatch.retention;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.timerwatch.fixtures.ManualTask;
import dev.timerwatch.misuse.MisuseDetector;
import dev.timerwatch.scheduling.TrackingScheduledExecutorService;
import dev.timerwatch.scheduling.TrackingScheduledThreadPoolExecutor;
import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.SchedulerProbe;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskOrigin;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The tracker holds nothing its application has let go, and its own tables are bounded.
 */
class RetentionTests {

	static Stream<Arguments> decorators() {
		return Stream.of(
				Arguments.of("tracking executor",
						(Function<TimerRegistry, ScheduledExecutorService>) (registry) -> new TrackingScheduledThreadPoolExecutor(
								2, registry, "dropped")),
				Arguments.of("interface decorator",
						(Function<TimerRegistry, ScheduledExecutorService>) (registry) -> new TrackingScheduledExecutorService(
								Executors.newScheduledThreadPool(2), registry, "dropped")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("decorators")
	void executorsAndRegistriesThatAreShutDownAndDroppedCanBeCollected(String name,
			Function<TimerRegistry, ScheduledExecutorService> factory) throws Exception {
		List<WeakReference<Object>> dropped = new ArrayList<>();
		for (int round = 0; round < 100; round++) {
			TimerRegistry registry = new TimerRegistry();
			ScheduledExecutorService executor = factory.apply(registry);
			for (int i = 0; i < 20_000; i++) {
				// One lambda class for every round: its origin is learned and cached on the class.
				executor.schedule(RetentionTests::noop, 1, TimeUnit.HOURS);
			}
			executor.shutdownNow();
			assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
			dropped.add(new WeakReference<>(executor));
			dropped.add(new WeakReference<>(registry));
		}
		// A terminated executor stays reachable from its worker threads until they have
		// exited, which a busy machine can delay: collect until a deadline, not a few times.
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (dropped.stream().anyMatch((reference) -> reference.get() != null) && System.nanoTime() < deadline) {
			System.gc();
			Thread.sleep(50);
		}
		assertThat(dropped.stream().filter((reference) -> reference.get() != null).count())
			.as("executors and registries still reachable")
			.isZero();
	}

	@Test
	void executorsShutDownAfterLongRunsCanBeCollectedWhileTheMisuseDetectorLives() throws Exception {
		TimerRegistry registry = new TimerRegistry();
		// Every run of 5 ms is a long run to a starvation threshold of 1 ms: the detector
		// remembers the last one per scheduler, to name the hog when another run starts late.
		MisuseDetector misuse = new MisuseDetector(registry, Duration.ofMillis(1), 3, Duration.ofMillis(1),
				Duration.ofSeconds(1), System::currentTimeMillis);
		registry.addObserver(misuse);
		List<WeakReference<Object>> dropped = new ArrayList<>();
		for (int round = 0; round < 20; round++) {
			TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(1, registry,
					"per-call-" + round);
			executor.schedule(() -> sleep(5), 0, TimeUnit.MILLISECONDS).get();
			executor.shutdown();
			assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
			dropped.add(new WeakReference<>(executor));
		}
		misuse.check();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (dropped.stream().anyMatch((reference) -> reference.get() != null) && System.nanoTime() < deadline) {
			System.gc();
			Thread.sleep(50);
		}
		assertThat(dropped.stream().filter((reference) -> reference.get() != null).count())
			.as("terminated executors still reachable")
			.isZero();
		assertThat(registry.schedulers()).isEmpty();
	}

	@Test
	void aSchedulerRegisteredUnderANameInUseIsReportedBesideTheFirstWhichStaysMaintained() throws Exception {
		AtomicLong clock = new AtomicLong(1_000_000);
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), clock::get, 1_000, 100, 3);
		TrackingScheduledThreadPoolExecutor first = new TrackingScheduledThreadPoolExecutor(1, registry, "poller");
		TrackingScheduledThreadPoolExecutor second = new TrackingScheduledThreadPoolExecutor(1, registry, "poller");
		try {
			assertThat(registry.schedulers()).extracting(SchedulerTracker::name)
				.containsExactlyInAnyOrder("poller", "poller#2");
			for (int i = 0; i < 100; i++) {
				first.submit(RetentionTests::noop).get();
				// The future is done a moment before the run's end is counted.
				long done = i + 1;
				await().atMost(Duration.ofSeconds(10))
					.until(() -> registry.origins().stream().mapToLong(OriginStats::completed).sum() == done);
				clock.addAndGet(1_000);
				registry.advance();
			}
			assertThat(first.getTracker().isClosed()).isFalse();
			assertThat(registry.origins()).singleElement().satisfies((origin) -> {
				assertThat(origin.schedulerName()).isEqualTo("poller");
				assertThat(origin.scheduled()).isEqualTo(100);
				assertThat(origin.completed()).isEqualTo(100);
				// Ended buckets are folded by maintenance: at most the current epoch's is left.
				assertThat(origin.pendingByEpoch(false)).hasSizeLessThanOrEqualTo(1);
			});
		}
		finally {
			first.shutdownNow();
			second.shutdownNow();
		}
	}

	@Test
	void aSchedulerWhoseEndCannotBeSeenGivesItsNameBackOnceTheApplicationLetsItGo() throws Exception {
		AtomicLong clock = new AtomicLong(1_000_000);
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), clock::get, 1_000, 100, 3);
		Object kept = new Object();
		registry.register("custom", "Custom").attach(kept, SchedulerProbe.NONE);
		registry.register("custom", "Custom").attach(new Object(), SchedulerProbe.NONE);
		assertThat(registry.schedulers()).extracting(SchedulerTracker::name)
			.containsExactlyInAnyOrder("custom", "custom#2");
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (registry.schedulers().size() > 1 && System.nanoTime() < deadline) {
			System.gc();
			clock.addAndGet(1_000);
			registry.advance();
			Thread.sleep(20);
		}
		assertThat(registry.schedulers()).extracting(SchedulerTracker::name).containsExactly("custom");
		assertThat(registry.schedulers()).singleElement()
			.satisfies((tracker) -> assertThat(tracker.scheduler()).isSameAs(kept));
	}

	@Test
	void aLetGoSchedulerWhoseTasksStillRunStaysReportedUntilTheyEnd() throws Exception {
		AtomicLong clock = new AtomicLong(1_000_000);
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), clock::get, 1_000, 100, 3);
		SchedulerTracker tracker = registry.register("dropped", "Custom");
		tracker.attach(new Object(), SchedulerProbe.NONE);
		// A periodic task that goes on running on the executor under the scheduler the
		// application dropped.
		ManualTask task = new ManualTask(tracker.admit(
				TaskOrigin.callSite("com.example.Ticker", "start", "Ticker.java", 7), TaskKind.FIXED_RATE, 1_000, -1),
				TaskKind.FIXED_RATE);
		for (int i = 0; i < 20 && tracker.scheduler() != null; i++) {
			System.gc();
			Thread.sleep(20);
		}
		assertThat(tracker.scheduler()).as("collected").isNull();
		clock.addAndGet(1_000);
		registry.advance();
		assertThat(registry.schedulers()).as("while its task is pending").containsExactly(tracker);
		task.end();
		clock.addAndGet(1_000);
		registry.advance();
		assertThat(registry.schedulers()).as("once its task has ended").isEmpty();
	}

	@Test
	void originsWithNothingLiveAndNothingNewForAWhileAreDropped() throws Exception {
		AtomicLong clock = new AtomicLong(1_000_000);
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), clock::get, 1_000, 100, 5);
		TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(1, registry, "evicting");
		try {
			scheduleAnHourOut(executor).cancel(false);
			executor.purge();
			scheduleAnHourOut(executor);
			assertThat(registry.origins()).hasSize(1);
			OriginStats live = registry.origins().get(0);
			executor.schedule(() -> { }, 1, TimeUnit.HOURS).cancel(false);
			executor.purge();
			assertThat(registry.origins()).hasSize(2);
			assertThat(registry.originCount()).isEqualTo(2);
			for (int i = 0; i < 6; i++) {
				clock.addAndGet(1_000);
				registry.advance();
			}
			assertThat(registry.origins()).as("only the origin with a pending task is left").containsExactly(live);
			assertThat(registry.originCount()).isEqualTo(1);
			assertThat(live.pending()).isEqualTo(1);
			assertThat(live.scheduled()).isEqualTo(2);
			assertThat(live.cancelled()).isEqualTo(1);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void anOriginDroppedWhileIdleComesBackWithFreshCountsWhenItSchedulesAgain() throws Exception {
		AtomicLong clock = new AtomicLong(1_000_000);
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), clock::get, 1_000, 100, 3);
		TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(1, registry, "returning");
		try {
			for (int round = 0; round < 3; round++) {
				for (int i = 0; i < 20; i++) {
					executor.schedule(RetentionTests::noop, 1, TimeUnit.HOURS).cancel(false);
				}
				executor.purge();
				assertThat(registry.origins()).hasSize(1);
				assertThat(registry.origins().get(0).cancelled()).isEqualTo(20);
				for (int i = 0; i < 4; i++) {
					clock.addAndGet(1_000);
					registry.advance();
				}
				assertThat(registry.origins()).isEmpty();
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void aFullOriginTableCountsNewOriginsUnderOverflowAndSaysSo() throws Exception {
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), System::currentTimeMillis, 1_000, 2, 3);
		TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(1, registry, "full");
		try {
			executor.schedule(() -> { }, 1, TimeUnit.HOURS);
			executor.schedule(() -> { }, 1, TimeUnit.HOURS);
			executor.schedule(() -> { }, 1, TimeUnit.HOURS);
			executor.schedule(() -> { }, 1, TimeUnit.HOURS);
			assertThat(registry.originCount()).isEqualTo(2);
			assertThat(registry.origins()).hasSize(3);
			assertThat(registry.origins()).filteredOn((origin) -> origin.origin().isOverflow())
				.singleElement()
				.satisfies((overflow) -> assertThat(overflow.pending()).isEqualTo(2));
			assertThat(registry.overflowedTasks()).isEqualTo(2);
			assertThat(TaskOrigin.overflow().describe()).contains("timerwatch.origin.max-origins");
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static java.util.concurrent.ScheduledFuture<?> scheduleAnHourOut(ScheduledExecutorService executor) {
		return executor.schedule(RetentionTests::noop, 1, TimeUnit.HOURS);
	}

	private static void noop() {
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
