package dev.timerwatch.misuse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor.AbortPolicy;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.timerwatch.scheduling.TrackingScheduledThreadPoolExecutor;
import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link MisuseDetector} driven by a tracked executor.
 */
class MisuseDetectorTests {

	private final TimerRegistry registry = new TimerRegistry();

	private final MisuseDetector detector = new MisuseDetector(this.registry, Duration.ofMillis(100), 3,
			System::currentTimeMillis);

	private final TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(1,
			this.registry, "jobs");

	@AfterEach
	void shutdown() {
		this.executor.shutdownNow();
	}

	@Test
	void oneShotTasksOfOneLineThatEachFailOnceAreNoRepeatedFailure() throws Exception {
		this.registry.setObserver(this.detector);
		List<Future<?>> retries = new ArrayList<>();
		for (int attempt = 0; attempt < 5; attempt++) {
			retries.add(this.executor.schedule(MisuseDetectorTests::failingCall, 0, TimeUnit.MILLISECONDS));
		}
		for (Future<?> retry : retries) {
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> retry.get(10, TimeUnit.SECONDS));
		}
		this.detector.check();
		assertThat(this.detector.findings()).isEmpty();
	}

	@Test
	void aRunWhoseExceptionCannotTellItsMessageEndsItsTaskAndLeavesTheWorkerAliveAsTheRawExecutorDoes()
			throws Exception {
		assertThat(threadsStartedForAFailureThatCannotTellItsMessage(
				(threads) -> new ScheduledThreadPoolExecutor(1, threads), () -> {
				}))
			.isEqualTo(1);
		assertThat(threadsStartedForAFailureThatCannotTellItsMessage(
				(threads) -> new TrackingScheduledThreadPoolExecutor(1, threads, new AbortPolicy(), this.registry,
						"unspeakable"),
				// The last run's bookkeeping ends just after its future completes: read once it has.
				() -> await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					List<OriginStats> origins = this.registry.origins()
						.stream()
						.filter((candidate) -> candidate.schedulerName().equals("unspeakable"))
						.toList();
					assertThat(origins.stream().mapToLong(OriginStats::failed).sum()).isEqualTo(2);
					assertThat(origins.stream().mapToLong(OriginStats::running).sum()).isZero();
					assertThat(origins.stream().mapToLong(OriginStats::pending).sum()).isZero();
				})))
			.isEqualTo(1);
	}

	// A periodic task and a one-shot one, each throwing an exception whose getMessage throws;
	// returns how many threads the executor started: a second one replaces a worker that died.
	private static int threadsStartedForAFailureThatCannotTellItsMessage(
			Function<ThreadFactory, ScheduledThreadPoolExecutor> factory, Runnable beforeShutdown) throws Exception {
		AtomicInteger started = new AtomicInteger();
		ScheduledThreadPoolExecutor executor = factory.apply((task) -> {
			started.incrementAndGet();
			return new Thread(task);
		});
		try {
			ScheduledFuture<?> periodic = executor.scheduleAtFixedRate(() -> {
				throw new UnspeakableException();
			}, 0, 10, TimeUnit.MILLISECONDS);
			ScheduledFuture<?> once = executor.schedule(() -> {
				throw new UnspeakableException();
			}, 0, TimeUnit.MILLISECONDS);
			await().atMost(Duration.ofSeconds(10)).until(() -> periodic.isDone() && once.isDone());
			// A worker killed by what escaped the run would be replaced by the next task.
			executor.submit(() -> { }).get(10, TimeUnit.SECONDS);
			beforeShutdown.run();
			return started.get();
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void aFixedRateTaskCatchingUpAfterItsOwnLongRunOverranAndIsNotStarved() throws Exception {
		this.registry.setObserver(this.detector);
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch caughtUp = new CountDownLatch(1);
		this.executor.scheduleAtFixedRate(() -> {
			if (runs.incrementAndGet() == 1) {
				sleep(1_500);
			}
			else if (runs.get() == 20) {
				caughtUp.countDown();
			}
		}, 0, 100, TimeUnit.MILLISECONDS);
		assertThat(caughtUp.await(10, TimeUnit.SECONDS)).isTrue();
		this.detector.check();
		assertThat(this.detector.findings()).extracting(Misuse::type)
			.contains(MisuseType.OVERRUN)
			.doesNotContain(MisuseType.STARVATION);
	}

	@Test
	void aFixedDelayTaskThatTookItsTimeOnceWarmIsNoHotLoopWhenItsRunsTurnShort() throws Exception {
		this.registry.setObserver(this.detector);
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(1);
		this.executor.scheduleWithFixedDelay(() -> {
			// A long poll: waits for messages while there are none, then drains a backlog.
			if (runs.incrementAndGet() == OriginStats.WARM_UP_CYCLES + 2) {
				sleep(150);
			}
			else if (runs.get() == 3 * MisuseDetector.HOT_CYCLES) {
				done.countDown();
			}
		}, 0, 1, TimeUnit.MILLISECONDS);
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		this.detector.check();
		assertThat(this.detector.findings()).isEmpty();
	}

	@Test
	void aFixedDelayTaskWhoseCyclesAreAllShortIsAHotLoopWhateverItsColdStartTook() throws Exception {
		this.registry.setObserver(this.detector);
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(1);
		this.executor.scheduleWithFixedDelay(() -> {
			// The first run opens a connection pool.
			if (runs.incrementAndGet() == 1) {
				sleep(150);
			}
			else if (runs.get() == OriginStats.WARM_UP_CYCLES + MisuseDetector.HOT_CYCLES + 1) {
				done.countDown();
			}
		}, 0, 1, TimeUnit.MILLISECONDS);
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.detector.findings()).extracting(Misuse::type).containsExactly(MisuseType.HOT_LOOP);
	}

	@Test
	void aTaskLateBehindOthersIsStarvedWhateverItsOwnLongRunLongAgo() throws Exception {
		this.registry.setObserver(this.detector);
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch steady = new CountDownLatch(3);
		this.executor.scheduleWithFixedDelay(() -> {
			if (runs.incrementAndGet() == 1) {
				sleep(1_200);
			}
			steady.countDown();
		}, 0, 200, TimeUnit.MILLISECONDS);
		assertThat(steady.await(10, TimeUnit.SECONDS)).isTrue();
		for (int i = 0; i < 3; i++) {
			this.executor.schedule(() -> sleep(700), 0, TimeUnit.MILLISECONDS);
		}
		String victim = this.registry.origins()
			.stream()
			.filter((origin) -> origin.hasKind(TaskKind.FIXED_DELAY))
			.findFirst()
			.orElseThrow()
			.id();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.detector.findings())
				.filteredOn((misuse) -> misuse.originId().equals(victim))
				.extracting(Misuse::type)
				.containsExactly(MisuseType.STARVATION));
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static Object failingCall() throws Exception {
		throw new java.io.IOException("remote system down");
	}

	static final class UnspeakableException extends RuntimeException {

		@Override
		public String getMessage() {
			throw new IllegalStateException("no message today");
		}

	}

}
