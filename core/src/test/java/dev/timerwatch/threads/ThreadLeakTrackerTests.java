package dev.timerwatch.threads;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.timerwatch.threads.ThreadLeakTracker.ThreadsSeen;
import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.OriginStats.EpochCount;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * How threads are counted in the registry, fed by a source of starts and ends written here
 * instead of the recorder.
 */
class ThreadLeakTrackerTests {

	private static final StackTraceElement START = new StackTraceElement("java.lang.Thread", "start", "Thread.java", 798);

	private static final StackTraceElement ADD_WORKER = new StackTraceElement(
			"java.util.concurrent.ThreadPoolExecutor", "addWorker", "ThreadPoolExecutor.java", 945);

	private static final StackTraceElement TIMER = new StackTraceElement("java.util.Timer", "<init>", "Timer.java", 188);

	private final TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), () -> 0L, 10_000);

	private final AtomicReference<ThreadStartSource.Listener> events = new AtomicReference<>();

	private ThreadLeakTracker tracker;

	@AfterEach
	void close() {
		if (this.tracker != null) {
			this.tracker.close();
		}
	}

	@Test
	void anExecutorPerCallCountsOneEachWhileAPoolCountsOnce() {
		start();
		for (int thread = 1; thread <= 4; thread++) {
			started(thread, "pool-1-thread-" + thread, ADD_WORKER, app("Mailer", "pooled", 10));
		}
		for (int pool = 2; pool <= 4; pool++) {
			started(10 + pool, "pool-" + pool + "-thread-1", ADD_WORKER, app("Mailer", "perCall", 20));
		}
		assertThat(origin("pooled").pending()).isEqualTo(1);
		assertThat(origin("perCall").pending()).isEqualTo(3);
		assertThat(origin("perCall").kinds()).containsExactly(TaskKind.THREAD);
		Map<OriginStats, ThreadsSeen> threads = this.tracker.threadsByOrigin(2);
		assertThat(threads.get(origin("pooled")).live()).isEqualTo(4);
		assertThat(threads.get(origin("pooled")).names()).containsExactly("pool-1-thread-1", "pool-1-thread-2");
		assertThat(threads.get(origin("perCall")).names()).containsExactly("pool-2-thread-1", "pool-3-thread-1");
	}

	@Test
	void eachTimerAndEachThreadStartedDirectlyCountsOnce() {
		start();
		started(1, "Timer-0", TIMER, app("Poller", "poll", 30));
		started(2, "Timer-1", TIMER, app("Poller", "poll", 30));
		// Plain threads are named Thread-N: one stem, yet each is its own thread.
		started(3, "Thread-7", null, app("Jobs", "run", 40));
		started(4, "Thread-8", null, app("Jobs", "run", 40));
		assertThat(origin("poll").pending()).isEqualTo(2);
		assertThat(origin("run").pending()).isEqualTo(2);
	}

	@Test
	void aThreadFactoryThatRepeatsANameStartsAnotherExecutor() {
		start();
		started(1, "mailer-1", ADD_WORKER, app("Mailer", "send", 50));
		started(2, "mailer-2", ADD_WORKER, app("Mailer", "send", 50));
		started(3, "mailer-1", ADD_WORKER, app("Mailer", "send", 50));
		assertThat(origin("send").pending()).isEqualTo(2);
	}

	@Test
	void aRecorderThatStopsByItselfEndsTheThreadsItKnewAndNoLongerRecords() {
		start();
		started(1, "Timer-0", TIMER, app("Poller", "poll", 30));
		assertThat(origin("poll").pending()).isEqualTo(1);
		this.events.get().stopped("its recording was stopped or closed outside timerwatch");
		assertThat(origin("poll").pending()).isZero();
		assertThat(this.tracker.isRecording()).isFalse();
	}

	@Test
	void anExecutorEndsWithItsLastThread() {
		start();
		started(1, "pool-5-thread-1", ADD_WORKER, app("Mailer", "send", 50));
		started(2, "pool-5-thread-2", ADD_WORKER, app("Mailer", "send", 50));
		this.events.get().ended(1);
		assertThat(origin("send").pending()).isEqualTo(1);
		this.events.get().ended(2);
		assertThat(origin("send").pending()).isZero();
		assertThat(origin("send").completed()).isEqualTo(1);
		// The pool is gone: a thread of the same name is a new executor.
		started(3, "pool-5-thread-1", ADD_WORKER, app("Mailer", "send", 50));
		assertThat(origin("send").scheduled()).isEqualTo(2);
	}

	@Test
	void aThreadWhoseEndEventIsLostEndsAtTheNextFlush() throws InterruptedException {
		start();
		Thread gone = new Thread(() -> { }, "pool-6-thread-1");
		gone.start();
		gone.join();
		started(gone.getId(), "pool-6-thread-1", ADD_WORKER, app("Mailer", "send", 50));
		started(Thread.currentThread().getId(), "pool-6-thread-2", ADD_WORKER, app("Mailer", "send", 50));
		this.events.get().flushed();
		assertThat(this.tracker.threadsByOrigin(10).get(origin("send")).names()).containsExactly("pool-6-thread-2");
		assertThat(origin("send").pending()).isEqualTo(1);
		// The test's own thread is alive: its executor stays until it ends.
		this.events.get().ended(Thread.currentThread().getId());
		assertThat(origin("send").pending()).isZero();
		assertThat(origin("send").completed()).isEqualTo(1);
	}

	@Test
	void aLateEndEventAfterTheFlushEndedTheThreadChangesNothing() throws InterruptedException {
		start();
		Thread gone = new Thread(() -> { }, "Timer-3");
		gone.start();
		gone.join();
		started(gone.getId(), "Timer-3", TIMER, app("Poller", "poll", 30));
		this.events.get().flushed();
		assertThat(origin("poll").pending()).isZero();
		this.events.get().ended(gone.getId());
		this.events.get().flushed();
		assertThat(origin("poll").pending()).isZero();
		assertThat(origin("poll").completed()).isEqualTo(1);
		assertThat(origin("poll").scheduled()).isEqualTo(1);
		assertThat(this.tracker.threadsByOrigin(10)).isEmpty();
	}

	@Test
	void eventsTheRecorderDeliversAfterCloseAreDropped() {
		start();
		started(1, "Timer-0", TIMER, app("Poller", "poll", 30));
		this.tracker.close();
		assertThat(this.tracker.isRecording()).isFalse();
		started(2, "Timer-1", TIMER, app("Poller", "poll", 30));
		started(3, "Thread-3", null, app("Jobs", "run", 40));
		this.events.get().ended(1);
		assertThat(this.registry.schedulers()).isEmpty();
		assertThat(this.registry.origins()).isEmpty();
		assertThat(this.tracker.threadsByOrigin(10)).isEmpty();
	}

	@Test
	void aThreadIsDatedWhenItStartedNotWhenTheRecorderToldOfIt() {
		start();
		long startedMillis = System.currentTimeMillis() - 3_000;
		this.events.get().started(1, "Timer-0", stack(TIMER, app("Poller", "poll", 30)), startedMillis);
		// The registry's clock reads 0: the entry is as old as the thread, by that clock.
		assertThat(origin("poll").oldestPendingMillis()).isBetween(-3_500L, -3_000L);
	}

	@Test
	void threadsToldOfTogetherKeepTheirOwnStartTimes() {
		AtomicLong clock = new AtomicLong(100_000);
		TimerRegistry fine = new TimerRegistry(CallSiteLocator.withDefaults(), clock::get, 100);
		start(fine);
		long now = System.currentTimeMillis();
		// One flush tells of a second's worth: an executor per call every 200 ms.
		for (int call = 0; call < 5; call++) {
			this.events.get().started(call, "pool-" + call + "-thread-1", stack(ADD_WORKER, app("Mailer", "send", 50)),
					now - 1_000 + call * 200);
		}
		List<EpochCount> epochs = origin(fine, "send").pendingByEpoch(false);
		assertThat(epochs).extracting(EpochCount::admitted).containsExactly(1L, 1L, 1L, 1L, 1L);
		assertThat(epochs.get(0).startMillis()).isBetween(98_900L, 99_000L);
		assertThat(epochs).extracting(EpochCount::startMillis).isSorted().doesNotHaveDuplicates();
		// The delivery's own clock readings move by a millisecond or so.
		assertThat(epochs.get(4).startMillis() - epochs.get(0).startMillis()).isCloseTo(800L, within(50L));
	}

	@Test
	void aThreadToldOfOutOfOrderIsDatedNoOlderThanItIs() {
		AtomicLong clock = new AtomicLong(100_000);
		TimerRegistry fine = new TimerRegistry(CallSiteLocator.withDefaults(), clock::get, 100);
		start(fine);
		long now = System.currentTimeMillis();
		this.events.get().started(1, "Timer-1", stack(TIMER, app("Poller", "poll", 30)), now - 500);
		this.events.get().started(2, "Timer-2", stack(TIMER, app("Poller", "poll", 30)), now);
		// Between the two: it joins the older, whose epoch ends when the newer begins.
		this.events.get().started(3, "Timer-3", stack(TIMER, app("Poller", "poll", 30)), now - 300);
		// Older than both: an epoch of its own, first.
		this.events.get().started(4, "Timer-4", stack(TIMER, app("Poller", "poll", 30)), now - 900);
		List<EpochCount> epochs = origin(fine, "poll").pendingByEpoch(false);
		assertThat(epochs).extracting(EpochCount::admitted).containsExactly(1L, 2L, 1L);
		assertThat(epochs).extracting(EpochCount::startMillis).isSorted();
		assertThat(epochs.get(0).startMillis()).isBetween(99_000L, 99_100L);
	}

	@Test
	void threadsWithNoApplicationFrameAreNotCounted() {
		start();
		started(1, "http-nio-8080-exec-1", ADD_WORKER,
				new StackTraceElement("org.apache.tomcat.util.net.NioEndpoint", "processSocket", "NioEndpoint.java", 1));
		started(2, "timerwatch-sampler", ADD_WORKER,
				new StackTraceElement("dev.timerwatch.health.TimersSampler", "start", "TimersSampler.java", 1));
		assertThat(this.registry.origins()).isEmpty();
		assertThat(this.registry.schedulers()).singleElement()
			.satisfies((scheduler) -> assertThat(scheduler.name()).isEqualTo(ThreadLeakTracker.SCHEDULER));
	}

	@Test
	void anUnavailableRecorderLeavesNoTraceInTheRegistry() {
		this.tracker = ThreadLeakTracker.start(this.registry, locator(), () -> {
			throw new IllegalStateException("no JFR here");
		});
		assertThat(this.tracker.isRecording()).isFalse();
		assertThat(this.registry.schedulers()).isEmpty();
	}

	@Test
	void closeWaitsForARecordingThatStartsAndClosesIt() throws Exception {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger closes = new AtomicInteger();
		this.tracker = ThreadLeakTracker.startInBackground(this.registry, locator(),
				() -> blockingSource(entered, release, closes), Duration.ofSeconds(30));
		assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<Void> close = CompletableFuture.runAsync(this.tracker::close);
		Thread.sleep(100);
		assertThat(close).as("close() waits while the start is under way").isNotDone();
		release.countDown();
		close.get(10, TimeUnit.SECONDS);
		assertThat(closes.get()).isEqualTo(1);
		assertThat(this.tracker.isRecording()).isFalse();
	}

	@Test
	void closeGivesUpOnARecordingWhoseStartHangsAndTheStartClosesItIfItEverReturns() throws Exception {
		// As a JDK Flight Recorder recording begun while the JVM shuts down did on Java 17: close()
		// runs on a shutdown hook, and the JVM must still exit.
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger closes = new AtomicInteger();
		this.tracker = ThreadLeakTracker.startInBackground(this.registry, locator(),
				() -> blockingSource(entered, release, closes), Duration.ofMillis(200));
		assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
		// On a thread of its own: a close that waited for good must fail this test, not hang it.
		CompletableFuture.runAsync(this.tracker::close).get(5, TimeUnit.SECONDS);
		assertThat(this.tracker.isRecording()).isFalse();
		assertThat(closes.get()).as("not closed while its start hangs").isZero();
		release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> closes.get() == 1);
		assertThat(this.tracker.isRecording()).isFalse();
		assertThat(this.registry.schedulers()).isEmpty();
	}

	private static ThreadStartSource blockingSource(CountDownLatch entered, CountDownLatch release,
			AtomicInteger closes) {
		return new ThreadStartSource() {

			@Override
			public void start(Listener listener) throws InterruptedException {
				entered.countDown();
				release.await();
			}

			@Override
			public void close() {
				closes.incrementAndGet();
			}

		};
	}

	@Test
	void aThreadNameStemDropsOnlyTheTrailingNumber() {
		assertThat(ExecutorGrouping.stem("pool-7-thread-12")).isEqualTo("pool-7-thread-");
		assertThat(ExecutorGrouping.stem("Timer-3")).isEqualTo("Timer-");
		assertThat(ExecutorGrouping.stem("worker")).isEqualTo("worker");
	}

	private void start() {
		start(this.registry);
	}

	private void start(TimerRegistry registry) {
		this.tracker = ThreadLeakTracker.start(registry, locator(), () -> new ThreadStartSource() {

			@Override
			public void start(Listener listener) {
				ThreadLeakTrackerTests.this.events.set(listener);
			}

			@Override
			public void close() {
			}

		});
		assertThat(this.tracker.isRecording()).isTrue();
	}

	private static CallSiteLocator locator() {
		return new CallSiteLocator(ThreadLeakTracker.DEFAULT_EXCLUDED_PACKAGES, 64);
	}

	private void started(long id, String name, StackTraceElement starter, StackTraceElement app) {
		this.events.get().started(id, name, stack(starter, app), System.currentTimeMillis());
	}

	private static StackTraceElement[] stack(StackTraceElement starter, StackTraceElement app) {
		return (starter != null) ? new StackTraceElement[] { START, starter, app }
				: new StackTraceElement[] { START, app };
	}

	private static StackTraceElement app(String type, String method, int line) {
		return new StackTraceElement("com.example." + type, method, type + ".java", line);
	}

	private OriginStats origin(String method) {
		return origin(this.registry, method);
	}

	private static OriginStats origin(TimerRegistry registry, String method) {
		List<OriginStats> found = registry.origins()
			.stream()
			.filter((origin) -> origin.origin().getMethodName().equals(method))
			.toList();
		assertThat(found).as("origins of %s", method).hasSize(1);
		return found.get(0);
	}

}
