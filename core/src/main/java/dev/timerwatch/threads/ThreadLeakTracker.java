package dev.timerwatch.threads;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.SchedulerProbe;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TimerRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Counts the executors, {@code java.util.Timer}s and threads the application starts, by the
 * line that started their threads, in the application's {@link TimerRegistry}: each is a
 * pending entry of kind {@code THREAD} on the pseudo-scheduler {@value #SCHEDULER} from its
 * first thread's start to its last thread's end, so the same leak detector, endpoint, health
 * indicator and meters judge them as they judge tasks.
 *
 * <p>What is counted is what the fix is about, not each thread: a pool that grows to its size
 * is one executor however many threads it starts, and an executor created per call is one
 * more each call. Threads started at one line are grouped so:
 * <ul>
 * <li>a thread the application line started itself ({@code new Thread(..).start()}), and a
 * {@code Timer}'s thread, each count as one;</li>
 * <li>threads a library started (an executor's workers) count as one executor while they
 * share a name up to a trailing number and no two of them have the same name: the JDK's
 * {@code pool-7-thread-1} to {@code pool-7-thread-8} are one pool, {@code pool-8-thread-1}
 * another. A name already live under the same stem starts another executor (a thread factory
 * created per call numbers from 1 each time).</li>
 * </ul>
 * Threads with no application frame in their starting stack (the JDK's, Spring's, the
 * servlet container's, timerwatch's own) are not counted. Virtual threads are not seen: the
 * recorder reports platform thread starts only.
 *
 * <p>Memory is bounded by the live threads started since the recording began (at most
 * {@link ThreadOrigins}'s bound): an entry per thread and per live executor, removed when they
 * end. Events are handled on the recorder's single thread, about a second after the fact;
 * each executor, Timer or thread is dated when its first thread started, so that delay does
 * not age it late.
 */
public final class ThreadLeakTracker implements AutoCloseable {

	/**
	 * The name under which threads are registered, in place of a scheduler's bean name; in
	 * parentheses, so that it is no bean's name.
	 */
	public static final String SCHEDULER = "(threads)";

	/**
	 * Packages never taken as the line that started a thread, besides the registry's: those of
	 * timerwatch's own threads (the sampler's, the recorder's), and servers' and event loops',
	 * whose threads are started from their code: the line to name is the application's that
	 * created the server or the loop, if any.
	 */
	public static final List<String> DEFAULT_EXCLUDED_PACKAGES = List.of("dev.timerwatch.threads.",
			"dev.timerwatch.health.", "org.apache.catalina.",
			"org.apache.coyote.", "org.apache.tomcat.", "org.eclipse.jetty.", "io.undertow.", "org.xnio.",
			"io.netty.", "reactor.");

	// How long close() waits for a recording that is starting. A start can hang in the JDK: a
	// recording begun while the JVM shuts down (a SIGTERM during startup) never returned on
	// Java 17, holding the recorder's lock; close() runs on a shutdown hook, and the JVM would
	// never exit if it waited for good.
	static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

	private static final System.Logger logger = System.getLogger(ThreadLeakTracker.class.getName());

	private final SchedulerTracker scheduler;

	private final ExecutorGrouping grouping;

	private final Duration closeWait;

	private volatile @Nullable ThreadOrigins origins;

	// Guards the fields below; never held while the recording starts, which may not return.
	private final Object lifecycle = new Object();

	// Written under the lock; read without it by isRecording().
	private volatile boolean closed;

	private boolean starting;

	// close() gave up waiting for the start: the starter closes what it started, if ever.
	private boolean abandoned;

	private ThreadLeakTracker(TimerRegistry registry, Duration closeWait) {
		this.closeWait = closeWait;
		this.scheduler = registry.register(SCHEDULER, "Thread");
		this.grouping = new ExecutorGrouping(this.scheduler);
		// Attached once the fields its probe reads are set.
		this.scheduler.attach(this, new Probe());
	}

	/**
	 * Start counting threads in the given registry, once the recording has started. Never
	 * throws: if the recorder is unavailable, one line is logged, nothing is counted and the
	 * registry holds no trace.
	 * @param registry the application's registry
	 * @param locator finds the line that started a thread (see {@link #DEFAULT_EXCLUDED_PACKAGES})
	 * @return the tracker, recording, to close when the application stops
	 */
	public static ThreadLeakTracker start(TimerRegistry registry, CallSiteLocator locator) {
		// A lambda, not a constructor reference: the recorder class is loaded inside the guard.
		return start(registry, locator, () -> new JfrThreadStartSource());
	}

	/**
	 * Start counting threads in the given registry, starting the recording on a daemon thread
	 * of its own, {@code timerwatch-thread-origins-start}: the first recording in a JVM takes
	 * half a second or more to start, which an application's startup need not wait for.
	 * Threads started before the recording runs are not seen.
	 * @param registry the application's registry
	 * @param locator finds the line that started a thread (see {@link #DEFAULT_EXCLUDED_PACKAGES})
	 * @return the tracker, to close when the application stops
	 */
	public static ThreadLeakTracker startInBackground(TimerRegistry registry, CallSiteLocator locator) {
		// A lambda, not a constructor reference: the recorder class is loaded inside the guard.
		return startInBackground(registry, locator, () -> new JfrThreadStartSource(), CLOSE_WAIT);
	}

	static ThreadLeakTracker startInBackground(TimerRegistry registry, CallSiteLocator locator,
			Supplier<ThreadStartSource> sources, Duration closeWait) {
		ThreadLeakTracker tracker = new ThreadLeakTracker(registry, closeWait);
		Thread starter = new Thread(() -> tracker.record(locator, sources), "timerwatch-thread-origins-start");
		starter.setDaemon(true);
		starter.start();
		return tracker;
	}

	static ThreadLeakTracker start(TimerRegistry registry, CallSiteLocator locator,
			Supplier<ThreadStartSource> sources) {
		ThreadLeakTracker tracker = new ThreadLeakTracker(registry, CLOSE_WAIT);
		tracker.record(locator, sources);
		return tracker;
	}

	// close() waits for a start under way, so that it leaves no recording behind, but not for
	// ever: past its wait, what the start brings is closed here.
	private void record(CallSiteLocator locator, Supplier<ThreadStartSource> sources) {
		synchronized (this.lifecycle) {
			if (this.closed) {
				return;
			}
			this.starting = true;
		}
		ThreadOrigins origins = null;
		try {
			origins = ThreadOrigins.start(locator, sources, this.grouping,
					"threads left behind by executors and Timers are not reported");
		}
		finally {
			boolean closeHere;
			synchronized (this.lifecycle) {
				this.starting = false;
				closeHere = this.abandoned;
				if (!closeHere) {
					this.origins = origins;
				}
				this.lifecycle.notifyAll();
			}
			if (closeHere && origins != null) {
				origins.close();
			}
		}
		if (origins == null || !origins.isRecording()) {
			this.scheduler.close();
		}
	}

	/**
	 * Whether threads are being recorded: {@code false} until the recording runs, and for
	 * ever if the recorder is unavailable.
	 * @return whether the recorder runs
	 */
	public boolean isRecording() {
		ThreadOrigins origins = this.origins;
		return !this.closed && origins != null && origins.isRecording();
	}

	/**
	 * The live threads of each origin: how many, and the names of the first few.
	 * @param maxNames how many names to list per origin at most
	 * @return per origin of kind {@code THREAD}, in no particular order
	 */
	public Map<OriginStats, ThreadsSeen> threadsByOrigin(int maxNames) {
		return this.grouping.threadsByOrigin(maxNames);
	}

	/**
	 * Stop recording and leave the registry.
	 */
	@Override
	public void close() {
		// While the JVM shuts down, a recording's start may never return, and it holds the
		// recorder's lock, which closing any recording of the JVM takes (a second context's
		// tracker's, say). The JDK's own hook stops every recording then: nothing here waits.
		boolean exiting = ThreadOrigins.isShuttingDown();
		ThreadOrigins origins;
		synchronized (this.lifecycle) {
			this.closed = true;
			if (!exiting) {
				awaitStart();
			}
			if (this.starting) {
				this.abandoned = true;
				if (!exiting) {
					logger.log(Level.WARNING, "timerwatch's thread recording did not finish starting within "
							+ this.closeWait.toMillis() + " ms; closing without waiting for it (it is closed when "
							+ "its start returns)");
				}
			}
			origins = this.origins;
		}
		if (origins != null) {
			if (exiting) {
				closeInBackground(origins);
			}
			else {
				origins.close();
			}
		}
		this.grouping.close();
		this.scheduler.close();
	}

	private static void closeInBackground(ThreadOrigins origins) {
		Thread closer = new Thread(origins::close, "timerwatch-thread-origins-close");
		closer.setDaemon(true);
		closer.start();
	}

	// Under the lifecycle lock, which wait() gives up while it waits.
	private void awaitStart() {
		long deadline = System.nanoTime() + this.closeWait.toNanos();
		boolean interrupted = false;
		while (this.starting) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				break;
			}
			try {
				this.lifecycle.wait(Math.max(1, left / 1_000_000));
			}
			catch (InterruptedException ex) {
				// Kept for the caller; the wait goes on, as a close that returned early would
				// leave the recording running.
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The live threads of one origin.
	 *
	 * @param live how many
	 * @param names the names of the first few, as they were when they started
	 */
	public record ThreadsSeen(int live, List<String> names) {

		public ThreadsSeen {
			names = List.copyOf(names);
		}

	}

	private final class Probe implements SchedulerProbe {

		@Override
		public int poolSize() {
			return ThreadLeakTracker.this.grouping.liveThreads();
		}

	}

}
