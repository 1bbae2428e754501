package dev.timerwatch.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.timerwatch.threads.ThreadOrigin;
import dev.timerwatch.threads.ThreadOrigins;
import dev.timerwatch.tracking.TaskOrigin;
import org.jspecify.annotations.Nullable;

/**
 * One leak check: what existed when it began, compared with what exists when it is verified.
 * Everything present when the check began is ignored (goleak's {@code IgnoreCurrent}, always
 * on: a JVM has too many threads of its own to judge them all).
 *
 * <p>Verifying costs two listings (the live threads and the tracked origins' counts) when
 * nothing leaked. When something did, it looks again with a back-off of 1 ms doubling to
 * 100 ms until the grace period is over, so that a task or thread that was just ending is
 * not blamed; only then does it wait for the recorder to name the threads' lines.
 */
public final class TimerLeakCheck {

	// The recorder delivers a start about a second after it; a busy machine can take longer.
	private static final Duration ORIGIN_WAIT = Duration.ofSeconds(10);

	private static final long MAX_BACKOFF_NANOS = 100_000_000;

	private final TimerLeakOptions options;

	private final @Nullable ThreadOrigins origins;

	private final @Nullable TaskBaseline tasks;

	private final @Nullable ThreadBaseline threads;

	TimerLeakCheck(TimerLeakOptions options, @Nullable ThreadOrigins origins) {
		this.options = options;
		this.origins = origins;
		this.tasks = (options.tasks() && !options.registries().isEmpty()) ? new TaskBaseline(options.registries())
				: null;
		this.threads = options.threads() ? new ThreadBaseline() : null;
	}

	/**
	 * Fail if tasks or threads created since the check began are still there after the grace
	 * period.
	 * @param after what is being checked, for the message ({@code SessionTests.opensASession()})
	 * @throws TimerLeakError naming each leak
	 */
	public void verifyNone(String after) {
		TimerLeakReport report = findLeaks();
		if (!report.isEmpty()) {
			throw new TimerLeakError(report, after);
		}
	}

	/**
	 * Fail if tasks or threads created since the check began are still there after the grace
	 * period.
	 * @throws TimerLeakError naming each leak
	 */
	public void verifyNone() {
		verifyNone("the check");
	}

	/**
	 * The tasks and threads created since the check began and still there after the grace
	 * period.
	 * @return the report, empty if nothing leaked
	 */
	public TimerLeakReport findLeaks() {
		long backoff = 1_000_000;
		long deadline = System.nanoTime() + this.options.gracePeriod().toNanos();
		for (;;) {
			List<TaskLeak> taskLeaks = (this.tasks != null) ? this.tasks.leaks(this.options) : List.of();
			List<Thread> threadLeaks = startedThreads();
			if (taskLeaks.isEmpty() && threadLeaks.isEmpty()) {
				return new TimerLeakReport(List.of(), List.of());
			}
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				List<ThreadLeak> named = nameThreads(threadLeaks);
				return new TimerLeakReport(taskLeaks, named);
			}
			sleep(Math.min(backoff, left));
			backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
		}
	}

	// Threads whose origin is already known and ignored are dropped early; the others wait
	// for the end of the grace period to be named.
	private List<Thread> startedThreads() {
		if (this.threads == null) {
			return List.of();
		}
		List<Thread> started = this.threads.startedSince(this.options);
		if (this.origins != null && !this.options.ignoredOrigins().isEmpty()) {
			started.removeIf((thread) -> this.origins.find(thread.getId())
				.map((origin) -> this.options.ignores(origin.origin()))
				.orElse(false));
		}
		return started;
	}

	private List<ThreadLeak> nameThreads(List<Thread> threads) {
		if (threads.isEmpty()) {
			return List.of();
		}
		Map<Long, ThreadOrigin> found = Map.of();
		if (this.origins != null) {
			try {
				found = this.origins.await(threads.stream().map(Thread::getId).collect(Collectors.toList()),
						ORIGIN_WAIT);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		Map<Line, List<Thread>> byLine = new LinkedHashMap<>();
		for (Thread thread : threads) {
			ThreadOrigin origin = found.get(thread.getId());
			if (!thread.isAlive() || (origin != null && this.options.ignores(origin.origin()))) {
				continue;
			}
			Line line = new Line(ThreadKind.of(thread.getStackTrace()),
					(origin != null) ? origin.origin() : TaskOrigin.unknown(), origin);
			byLine.computeIfAbsent(line, (key) -> new ArrayList<>()).add(thread);
		}
		List<ThreadLeak> leaks = new ArrayList<>();
		byLine.forEach((line, group) -> {
			List<StackTraceElement> stack = (line.first != null) ? line.first.startStack() : List.of();
			List<String> names = group.stream().map(Thread::getName).collect(Collectors.toList());
			leaks.add(new ThreadLeak(line.origin, unknownReason(line.first != null), line.kind, names, stack,
					this.options.gracePeriod()));
		});
		return leaks;
	}

	private String unknownReason(boolean recorded) {
		if (this.origins == null) {
			return "thread origins are off: timerwatch.test.thread-origins=false";
		}
		if (!this.origins.isRecording()) {
			return "the JDK Flight Recorder is unavailable: " + this.origins.unavailableReason();
		}
		return recorded ? "no application frame in the stack that started it"
				: "its start was not recorded within " + ThreadLeak.readable(ORIGIN_WAIT);
	}

	/**
	 * Threads of one kind started at one line: the first thread's recorded origin, if any, is
	 * kept for its stack and is not part of the key.
	 */
	private static final class Line {

		private final ThreadKind kind;

		private final TaskOrigin origin;

		private final @Nullable ThreadOrigin first;

		Line(ThreadKind kind, TaskOrigin origin, @Nullable ThreadOrigin first) {
			this.kind = kind;
			this.origin = origin;
			this.first = first;
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof Line that && this.kind == that.kind && this.origin.equals(that.origin);
		}

		@Override
		public int hashCode() {
			return 31 * this.kind.hashCode() + this.origin.hashCode();
		}

	}

	private static void sleep(long nanos) {
		try {
			Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for leaked tasks and threads to end", ex);
		}
	}

}
