package dev.timerwatch.threads;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.TaskOrigin;
import org.jspecify.annotations.Nullable;

/**
 * The line of code that started each live thread, learned in process from the JDK Flight
 * Recorder's {@code jdk.ThreadStart} events, which carry the starting stack. A thread
 * started before the recording began is not known.
 *
 * <p>Where the recorder is unavailable (a runtime without the {@code jdk.jfr} module, a JFR
 * repository that cannot be written), {@link #start} still returns: {@link #isRecording()}
 * is then {@code false}, {@link #unavailableReason()} says why, and no thread is ever known.
 *
 * <p>Memory is bounded: an entry per live thread started since the recording began, removed
 * when the thread ends, at most {@value #MAX_THREADS}; past that, new threads are not known.
 * Events arrive about a second after the thread starts, so a caller that has just found a
 * thread waits for it with {@link #await}.
 */
public final class ThreadOrigins implements AutoCloseable {

	static final int MAX_THREADS = 100_000;

	private static final System.Logger logger = System.getLogger(ThreadOrigins.class.getName());

	private static final long POLL_MILLIS = 20;

	private final CallSiteLocator locator;

	private final Map<Long, ThreadOrigin> live = new ConcurrentHashMap<>();

	private final LongAdder notKept = new LongAdder();

	private final @Nullable ThreadStartSource source;

	private final @Nullable String unavailableReason;

	private ThreadOrigins(CallSiteLocator locator, @Nullable ThreadStartSource source,
			@Nullable String unavailableReason) {
		this.locator = locator;
		this.source = source;
		this.unavailableReason = unavailableReason;
	}

	/**
	 * Start recording where threads are started. Never throws: if the recorder cannot start,
	 * the result records nothing and says why, and one line is logged.
	 * @param locator finds the application frame in a starting stack
	 * @return the origins, recording from now on if the recorder is available
	 */
	public static ThreadOrigins start(CallSiteLocator locator) {
		// A lambda, not a constructor reference: the recorder class is loaded inside the guard.
		return start(locator, () -> new JfrThreadStartSource());
	}

	static ThreadOrigins start(CallSiteLocator locator, Supplier<ThreadStartSource> sources) {
		ThreadStartSource source = null;
		try {
			source = sources.get();
			ThreadOrigins origins = new ThreadOrigins(locator, source, null);
			source.start(origins.new Recorder());
			return origins;
		}
		catch (Throwable ex) {
			if (source != null) {
				closeQuietly(source);
			}
			String reason = ex.getClass().getName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : "");
			logger.log(Level.INFO, "timerwatch cannot record where threads start (JDK Flight Recorder unavailable: "
					+ reason + "); threads are named without the line that started them");
			return new ThreadOrigins(locator, null, reason);
		}
	}

	/**
	 * Whether threads started from now on are recorded.
	 * @return whether the recorder runs
	 */
	public boolean isRecording() {
		return this.source != null;
	}

	/**
	 * Why the recorder could not start.
	 * @return the reason, or {@code null} if it runs
	 */
	public @Nullable String unavailableReason() {
		return this.unavailableReason;
	}

	/**
	 * Where a live thread was started, if its start has been recorded yet.
	 * @param threadId the thread's id ({@link Thread#getId()})
	 * @return its origin, or empty
	 */
	public Optional<ThreadOrigin> find(long threadId) {
		return Optional.ofNullable(this.live.get(threadId));
	}

	/**
	 * Where the given threads were started, waiting up to a timeout for the recorder to
	 * deliver the starts of those not known yet.
	 * @param threadIds the threads' ids
	 * @param timeout how long to wait at most; nothing is waited for if the recorder is off
	 * @return the origins found, by thread id
	 * @throws InterruptedException if interrupted while waiting
	 */
	public Map<Long, ThreadOrigin> await(Collection<Long> threadIds, Duration timeout) throws InterruptedException {
		Map<Long, ThreadOrigin> found = new HashMap<>();
		long deadline = System.nanoTime() + timeout.toNanos();
		for (;;) {
			for (Long id : threadIds) {
				ThreadOrigin origin = this.live.get(id);
				if (origin != null) {
					found.put(id, origin);
				}
			}
			if (found.size() == threadIds.size() || !isRecording() || System.nanoTime() - deadline >= 0) {
				return found;
			}
			Thread.sleep(POLL_MILLIS);
		}
	}

	/**
	 * How many live threads' origins are held.
	 * @return the count
	 */
	public int size() {
		return this.live.size();
	}

	/**
	 * How many thread starts were not kept because {@value #MAX_THREADS} were held.
	 * @return the count
	 */
	public long notKept() {
		return this.notKept.sum();
	}

	/**
	 * Stop recording and forget every origin.
	 */
	@Override
	public void close() {
		if (this.source != null) {
			closeQuietly(this.source);
		}
		this.live.clear();
	}

	ThreadOrigin originOf(long threadId, String threadName, StackTraceElement[] stack) {
		for (int i = 0; i < stack.length; i++) {
			StackTraceElement frame = stack[i];
			if (!this.locator.isExcluded(frame.getClassName())) {
				TaskOrigin origin = TaskOrigin.callSite(frame.getClassName(), frame.getMethodName(),
						frame.getFileName(), frame.getLineNumber());
				return new ThreadOrigin(threadId, threadName, origin, List.of(stack).subList(i, stack.length));
			}
		}
		return new ThreadOrigin(threadId, threadName, TaskOrigin.unknown(), Arrays.asList(stack));
	}

	private static void closeQuietly(ThreadStartSource source) {
		try {
			source.close();
		}
		catch (RuntimeException ex) {
			logger.log(Level.DEBUG, "Closing the thread start recorder failed", ex);
		}
	}

	private final class Recorder implements ThreadStartSource.Listener {

		@Override
		public void started(long threadId, String threadName, StackTraceElement[] stack) {
			if (ThreadOrigins.this.live.size() >= MAX_THREADS) {
				ThreadOrigins.this.notKept.increment();
				return;
			}
			ThreadOrigins.this.live.put(threadId, originOf(threadId, threadName, stack));
		}

		@Override
		public void ended(long threadId) {
			ThreadOrigins.this.live.remove(threadId);
		}

	}

}
