package dev.timerwatch.threads;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Timer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.timerwatch.tracking.CallSiteLocator;
import jdk.jfr.Recording;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

class ThreadOriginsTests {

	// Generous: the recorder flushes about once a second, slower on a busy machine.
	private static final Duration WAIT = Duration.ofSeconds(30);

	private static ThreadOrigins origins;

	@BeforeAll
	static void startRecording() {
		origins = ThreadOrigins.start(CallSiteLocator.withDefaults());
	}

	@AfterAll
	static void stopRecording() {
		origins.close();
	}

	@Test
	void aTimerThreadIsNamedToTheLineThatCreatedTheTimer() throws InterruptedException {
		assertThat(origins.isRecording()).as(String.valueOf(origins.unavailableReason())).isTrue();
		Timer timer = new Timer("origins-timer"); int line = new Throwable().getStackTrace()[0].getLineNumber();
		try {
			Thread thread = threadNamed("origins-timer");
			Map<Long, ThreadOrigin> found = origins.await(List.of(thread.getId()), WAIT);
			assertThat(found).containsKey(thread.getId());
			ThreadOrigin origin = found.get(thread.getId());
			assertThat(origin.threadName()).isEqualTo("origins-timer");
			assertThat(origin.origin().describe()).isEqualTo("dev.timerwatch.threads.ThreadOriginsTests."
					+ "aTimerThreadIsNamedToTheLineThatCreatedTheTimer(ThreadOriginsTests.java:" + line + ")");
			assertThat(origin.startStack()).isNotEmpty();
			assertThat(origin.startStack().get(0).getClassName()).isEqualTo(ThreadOriginsTests.class.getName());
		}
		finally {
			timer.cancel();
		}
	}

	@Test
	void aStartStackLeavesOutHiddenFramesAsTheJdksStackTracesDo() throws InterruptedException {
		CountDownLatch release = new CountDownLatch(1);
		Thread thread = new Thread(() -> awaitQuietly(release), "origins-hidden-frames");
		// Started through a method reference: a lambda's hidden class is on the stack.
		Runnable start = thread::start;
		start.run();
		try {
			Map<Long, ThreadOrigin> found = origins.await(List.of(thread.getId()), WAIT);
			assertThat(found).containsKey(thread.getId());
			assertThat(found.get(thread.getId()).startStack()).isNotEmpty()
				.noneMatch((frame) -> frame.getClassName().contains("$$Lambda")
						|| frame.getClassName().startsWith("java.lang.invoke.LambdaForm"));
		}
		finally {
			release.countDown();
			thread.join(10_000);
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void anExecutorThreadIsNamedToTheSubmittingLineAndForgottenWhenItEnds() throws InterruptedException {
		ExecutorService executor = Executors.newSingleThreadExecutor((task) -> new Thread(task, "origins-pool"));
		executor.execute(() -> { }); int line = new Throwable().getStackTrace()[0].getLineNumber();
		Thread thread = threadNamed("origins-pool");
		long id = thread.getId();
		Map<Long, ThreadOrigin> found = origins.await(List.of(id), WAIT);
		assertThat(found.get(id).origin().getLineNumber()).isEqualTo(line);
		assertThat(found.get(id).origin().getMethodName())
			.isEqualTo("anExecutorThreadIsNamedToTheSubmittingLineAndForgottenWhenItEnds");
		executor.shutdown();
		assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
		thread.join(WAIT.toMillis());
		await().atMost(WAIT).until(() -> origins.find(id).isEmpty());
	}

	@Test
	void withoutARecorderNothingIsKnownAndTheReasonIsGiven() throws InterruptedException {
		ThreadOrigins unavailable = ThreadOrigins.start(CallSiteLocator.withDefaults(), () -> {
			throw new IllegalStateException("Flight Recorder is disabled");
		});
		Timer timer = new Timer("origins-unrecorded");
		try {
			long id = threadNamed("origins-unrecorded").getId();
			assertThat(unavailable.isRecording()).isFalse();
			assertThat(unavailable.unavailableReason())
				.isEqualTo("java.lang.IllegalStateException: Flight Recorder is disabled");
			assertThat(unavailable.await(List.of(id), WAIT)).isEmpty();
			assertThat(unavailable.find(id)).isEmpty();
		}
		finally {
			timer.cancel();
			unavailable.close();
		}
	}

	@Test
	void theRecorderReadsOnADaemonThreadSoTheJvmCanExit() {
		assertThat(Thread.getAllStackTraces().keySet())
			.filteredOn((thread) -> thread.getName().startsWith("JFR Event Stream")
					|| thread.getName().equals("timerwatch-thread-origins"))
			.isNotEmpty()
			.allMatch(Thread::isDaemon);
	}

	@Test
	void aStackWithNoApplicationFrameHasAnUnknownOrigin() {
		StackTraceElement[] stack = { new StackTraceElement("java.util.Timer", "<init>", "Timer.java", 188),
				new StackTraceElement("org.springframework.Thing", "run", "Thing.java", 3) };
		ThreadOrigin origin = origins.originOf(7, "Timer-7", stack);
		assertThat(origin.origin().isUnknown()).isTrue();
		assertThat(origin.startStack()).hasSize(2);
	}

	@Test
	void threadsTheJdkStartsForVirtualThreadsHaveNoOriginWhicheverLineStartedTheFirstVirtualThread() {
		StackTraceElement[] carrier = { frame("java.lang.Thread", "start"),
				frame("java.util.concurrent.ForkJoinPool", "createWorker"),
				frame("java.util.concurrent.ForkJoinPool", "signalWork"),
				frame("java.lang.VirtualThread", "submitRunContinuation"), frame("java.lang.VirtualThread", "start"),
				frame("java.lang.ThreadBuilders$VirtualThreadBuilder", "start"),
				frame("com.example.Jobs", "runInAVirtualThread") };
		StackTraceElement[] unparker = { frame("java.lang.Thread", "start"),
				frame("java.util.concurrent.ScheduledThreadPoolExecutor", "schedule"),
				frame("java.lang.VirtualThread", "scheduleUnpark"), frame("java.lang.VirtualThread", "parkNanos"),
				frame("java.lang.Thread", "sleep"), frame("com.example.Jobs", "pause") };
		assertThat(origins.originOf(7, "ForkJoinPool-1-worker-1", carrier).origin().isUnknown()).isTrue();
		assertThat(origins.originOf(8, "VirtualThread-unparker", unparker).origin().isUnknown()).isTrue();
	}

	@Test
	void threadsTimerwatchStartsForItselfHaveNoOriginThoughTheApplicationStartedIt() {
		StackTraceElement[] sampler = { frame("java.lang.Thread", "start"),
				frame("java.util.concurrent.ThreadPoolExecutor", "addWorker"),
				frame("dev.timerwatch.health.TimersSampler", "start"),
				frame("org.springframework.context.support.DefaultLifecycleProcessor", "doStart"),
				frame("com.example.Application", "main") };
		assertThat(origins.originOf(9, "timerwatch-sampler", sampler).origin().isUnknown()).isTrue();
	}

	@Test
	void aTrackedExecutorsWorkerIsTheApplicationLinesThatScheduled() {
		StackTraceElement[] worker = { frame("java.lang.Thread", "start"),
				frame("java.util.concurrent.ThreadPoolExecutor", "addWorker"),
				frame("java.util.concurrent.ScheduledThreadPoolExecutor", "delayedExecute"),
				frame("dev.timerwatch.scheduling.TrackingScheduledThreadPoolExecutor", "schedule"),
				frame("com.example.Jobs", "scheduleTimeout") };
		assertThat(origins.originOf(10, "pool-3-thread-1", worker).origin().toString())
			.contains("com.example.Jobs.scheduleTimeout");
	}

	private static StackTraceElement frame(String type, String method) {
		return new StackTraceElement(type, method, null, 1);
	}

	@Test
	void theSourceFileOfANestedClassIsItsOutermostClass() {
		assertThat(JfrThreadStartSource.sourceFileOf("com.example.Outer$Inner$1")).isEqualTo("Outer.java");
		assertThat(JfrThreadStartSource.sourceFileOf("Plain")).isEqualTo("Plain.java");
		assertThat(JfrThreadStartSource.sourceFileOf(
				"jdk.internal.net.http.HttpClientImpl$SelectorManager$$Lambda$2060+0x00007ff56075b520.1148556210"))
			.isEqualTo("HttpClientImpl.java");
	}

	@Test
	void aRecordingSomeoneElseStartsIsNotTakenForTheSourcesOwn() throws Exception {
		try (Recording theirs = new Recording()) {
			theirs.enable("jdk.ThreadStart");
			theirs.start();
			// Started after ours was created and before it ran, theirs once let start() return
			// before our stream recorded, and threads started meanwhile went unseen.
			assertThatIllegalStateException()
				.isThrownBy(() -> JfrThreadStartSource.awaitRunning("dev.timerwatch.ThreadOrigins.none#enabled",
						new AtomicReference<>(), Duration.ofMillis(200)))
				.withMessageContaining("did not start");
		}
	}

	private static Thread threadNamed(String name) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals(name))
			.findFirst()
			.orElseThrow();
	}

}
