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
 *
 * <p>A thread whose {@code jdk.ThreadEnd} event never arrives (the recorder lost it, or
 * dropped it with a full buffer) would stay known, and counted by the listener, for ever. So
 * after each flush of the recorder, at most once every {@value #RECONCILE_MILLIS} ms, the
 * known threads that are no longer alive ({@link LiveThreadIds}) are ended as if their end
 * had arrived. A thread ends once either way: a late end event for it is then ignored, as an
 * end whose start is not known.
 */
public final class ThreadOrigins implements AutoCloseable {

	// Classes whose frames (their nested classes' and lambdas' too) start threads for the
	// runtime: the JDK's virtual threads, and timerwatch's own.
	private static final String VIRTUAL_THREAD = "java.lang.VirtualThread";

	private static final List<String> OWN_THREAD_STARTERS = List.of("dev.timerwatch.health.TimersSampler",
			"dev.timerwatch.threads.ThreadLeakTracker", "dev.timerwatch.threads.ThreadOrigins",
			"dev.timerwatch.threads.JfrThreadStartSource");

	static final int MAX_THREADS = 100_000;

	private static final System.Logger logger = System.getLogger(ThreadOrigins.class.getName());

	private static final long POLL_MILLIS = 20;

	static final long RECONCILE_MILLIS = 1_000;

	private final CallSiteLocator locator;

	private final Map<Long, ThreadOrigin> live = new ConcurrentHashMap<>();

	private final LongAdder notKept = new LongAdder();

	private final @Nullable ThreadStartSource source;

	private final @Nullable String unavailableReason;

	private final Listener listener;

	// Events the recorder still delivers after close() are dropped: the listener has left.
	private volatile boolean closed;

	// Why the recorder stopped by itself after it had started, if it did.
	private volatile @Nullable String stoppedReason;

	private ThreadOrigins(CallSiteLocator locator, @Nullable ThreadStartSource source,
			@Nullable String unavailableReason, Listener listener) {
		this.locator = locator;
		this.source = source;
		this.unavailableReason = unavailableReason;
		this.listener = listener;
	}

	/**
	 * Start recording where threads are started. Never throws: if the recorder cannot start,
	 * the result records nothing and says why, and one line is logged.
	 * @param locator finds the application frame in a starting stack
	 * @return the origins, recording from now on if the recorder is available
	 */
	public static ThreadOrigins start(CallSiteLocator locator) {
		return start(locator, Listener.NONE, "threads are named without the line that started them");
	}

	/**
	 * Start recording where threads are started, and tell a listener of each known thread's
	 * start and end, on the recorder's thread. Never throws: if the recorder cannot start, the
	 * result records nothing and says why, and one line is logged.
	 * @param locator finds the application frame in a starting stack
	 * @param listener told of the start and end of each thread whose start is kept
	 * @param consequence what the application loses without the recorder, for the log line
	 * @return the origins, recording from now on if the recorder is available
	 */
	public static ThreadOrigins start(CallSiteLocator locator, Listener listener, String consequence) {
		// A lambda, not a constructor reference: the recorder class is loaded inside the guard.
		return start(locator, () -> new JfrThreadStartSource(), listener, consequence);
	}

	static ThreadOrigins start(CallSiteLocator locator, Supplier<ThreadStartSource> sources) {
		return start(locator, sources, Listener.NONE, "threads are named without the line that started them");
	}

	static ThreadOrigins start(CallSiteLocator locator, Supplier<ThreadStartSource> sources, Listener listener,
			String consequence) {
		ThreadStartSource source = null;
		try {
			source = sources.get();
			ThreadOrigins origins = new ThreadOrigins(locator, source, null, listener);
			source.start(origins.new Recorder());
			return origins;
		}
		catch (Throwable ex) {
			if (source != null) {
				closeQuietly(source);
			}
			if (ex instanceof InterruptedException) {
				// The caller's interrupt is its own: kept for it, as the wait for the recording
				// that it cut short could not.
				Thread.currentThread().interrupt();
			}
			String reason = ex.getClass().getName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : "");
			logger.log(Level.INFO, "timerwatch cannot record where threads start (JDK Flight Recorder unavailable: "
					+ reason + "); " + consequence);
			return new ThreadOrigins(locator, null, reason, listener);
		}
	}

	/**
	 * Whether threads started from now on are recorded.
	 * @return whether the recorder runs: {@code false} if it could not start, and once closed
	 */
	public boolean isRecording() {
		return this.source != null && !this.closed && this.stoppedReason == null;
	}

	/**
	 * Why the recorder could not start, or why it stopped by itself after it had started.
	 * @return the reason, or {@code null} if it runs
	 */
	public @Nullable String unavailableReason() {
		return (this.unavailableReason != null) ? this.unavailableReason : this.stoppedReason;
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
	 * deliver the starts of those not known yet and still alive: a thread that has ended is
	 * waited for no longer, since its start may never be kept.
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
			if (found.size() == threadIds.size() || !isRecording() || System.nanoTime() - deadline >= 0
					|| noOtherIsAlive(threadIds, found)) {
				return found;
			}
			Thread.sleep(POLL_MILLIS);
		}
	}

	private static boolean noOtherIsAlive(Collection<Long> threadIds, Map<Long, ThreadOrigin> found) {
		LiveThreadIds alive = LiveThreadIds.now();
		for (Long id : threadIds) {
			if (!found.containsKey(id) && alive.contains(id)) {
				return false;
			}
		}
		return true;
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
		this.closed = true;
		if (this.source != null) {
			closeQuietly(this.source);
		}
		this.live.clear();
	}

	ThreadOrigin originOf(long threadId, String threadName, StackTraceElement[] stack) {
		return originOf(threadId, threadName, stack, ThreadOrigin.UNKNOWN_TIME);
	}

	ThreadOrigin originOf(long threadId, String threadName, StackTraceElement[] stack, long startedMillis) {
		// The stack's top frames are Thread.start's own; the next one called it.
		int starter = 0;
		while (starter < stack.length && stack[starter].getClassName().equals(Thread.class.getName())) {
			starter++;
		}
		String starterClass = (starter < stack.length) ? stack[starter].getClassName() : "";
		if (!startedForTheRuntime(stack)) {
			for (int i = 0; i < stack.length; i++) {
				StackTraceElement frame = stack[i];
				if (!this.locator.isExcluded(frame.getClassName())) {
					TaskOrigin origin = TaskOrigin.callSite(frame.getClassName(), frame.getMethodName(),
							frame.getFileName(), frame.getLineNumber());
					return new ThreadOrigin(threadId, threadName, origin, List.of(stack).subList(i, stack.length),
							starterClass, i == starter, startedMillis);
				}
			}
		}
		return new ThreadOrigin(threadId, threadName, TaskOrigin.unknown(), Arrays.asList(stack), starterClass,
				false, startedMillis);
	}

	/**
	 * Whether a thread was started by the runtime for itself, whatever application frame is
	 * further down its stack: by the JDK's virtual threads (their carriers, the threads that
	 * wake parked ones), which the first virtual thread to need them starts, on whichever line
	 * that is; or by timerwatch (its sampler, its recorder), started while the application starts.
	 * @param stack the stack that started the thread, its top first
	 * @return whether no application started it
	 */
	static boolean startedForTheRuntime(StackTraceElement[] stack) {
		for (StackTraceElement frame : stack) {
			String type = frame.getClassName();
			int nested = type.indexOf('$');
			String outer = (nested < 0) ? type : type.substring(0, nested);
			if (outer.equals(VIRTUAL_THREAD)) {
				return true;
			}
			if (!(type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun."))) {
				return OWN_THREAD_STARTERS.contains(outer);
			}
		}
		return false;
	}

	// The JDK refuses a new shutdown hook once shutdown has begun, and tells no other way.
	static boolean isShuttingDown() {
		try {
			Thread probe = new Thread(() -> {
			}, "timerwatch-shutdown-probe");
			Runtime.getRuntime().addShutdownHook(probe);
			Runtime.getRuntime().removeShutdownHook(probe);
			return false;
		}
		catch (IllegalStateException ex) {
			return true;
		}
		catch (RuntimeException ex) {
			// Not allowed to ask (a security manager): taken as running.
			return false;
		}
	}

	private static void closeQuietly(ThreadStartSource source) {
		try {
			source.close();
		}
		catch (RuntimeException ex) {
			logger.log(Level.DEBUG, "Closing the thread start recorder failed", ex);
		}
	}

	/**
	 * Told of the start and end of each thread whose start is kept, on the recorder's single
	 * thread, in the order the recorder delivers them.
	 */
	public interface Listener {

		/** A listener that does nothing. */
		Listener NONE = new Listener() {

			@Override
			public void started(ThreadOrigin origin) {
			}

			@Override
			public void ended(ThreadOrigin origin) {
			}

		};

		/**
		 * A thread was started.
		 * @param origin where
		 */
		void started(ThreadOrigin origin);

		/**
		 * A thread whose start was told has ended.
		 * @param origin where it was started
		 */
		void ended(ThreadOrigin origin);

	}

	private final class Recorder implements ThreadStartSource.Listener {

		private long lastReconciledNanos;

		private boolean reconciled;

		@Override
		public void started(long threadId, String threadName, StackTraceElement[] stack, long startedMillis) {
			if (ThreadOrigins.this.closed) {
				return;
			}
			if (ThreadOrigins.this.live.size() >= MAX_THREADS) {
				ThreadOrigins.this.notKept.increment();
				return;
			}
			ThreadOrigin origin = originOf(threadId, threadName, stack, startedMillis);
			ThreadOrigins.this.live.put(threadId, origin);
			try {
				ThreadOrigins.this.listener.started(origin);
			}
			catch (RuntimeException ex) {
				logger.log(Level.DEBUG, "A thread start listener failed", ex);
			}
		}

		@Override
		public void ended(long threadId) {
			ThreadOrigin origin = ThreadOrigins.this.live.remove(threadId);
			if (origin != null) {
				try {
					ThreadOrigins.this.listener.ended(origin);
				}
				catch (RuntimeException ex) {
					logger.log(Level.DEBUG, "A thread end listener failed", ex);
				}
			}
		}

		// The threads it knew of can no longer be seen to end: they are ended now, so that
		// none of them stays counted for ever, and nothing is recorded from now on.
		@Override
		public void stopped(String reason) {
			if (ThreadOrigins.this.closed) {
				return;
			}
			ThreadOrigins.this.stoppedReason = reason;
			// The recorder's own shutdown hook stops every recording as the JVM exits: no news.
			logger.log(isShuttingDown() ? Level.DEBUG : Level.WARNING, "timerwatch no longer records where threads "
					+ "start (" + reason + "); threads left behind by executors and Timers are not reported from now on");
			for (Long threadId : ThreadOrigins.this.live.keySet()) {
				ended(threadId);
			}
		}

		@Override
		public void flushed() {
			long now = System.nanoTime();
			if (ThreadOrigins.this.closed || ThreadOrigins.this.live.isEmpty()
					|| (this.reconciled && now - this.lastReconciledNanos < RECONCILE_MILLIS * 1_000_000)) {
				return;
			}
			this.reconciled = true;
			this.lastReconciledNanos = now;
			endThreadsGone();
		}

		// Through ended(): removing the thread from the live map decides whether this or a real
		// end event ends it, so it ends once even if the two race.
		private void endThreadsGone() {
			LiveThreadIds alive = LiveThreadIds.now();
			for (Long threadId : ThreadOrigins.this.live.keySet()) {
				if (!alive.contains(threadId)) {
					ended(threadId);
				}
			}
		}

	}

}
