package dev.timerwatch.tracking;

import java.lang.ref.WeakReference;
import java.time.Clock;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

/**
 * The tracking state of one scheduler: its origins and the figures its decorator records.
 *
 * <p>Attributing a task to its call site needs a stack walk, which costs about 36 times a
 * raw {@code schedule} and {@code cancel} (2.1 us here), so origins are learned per task class (see
 * {@link LearnedOrigin}); one task in {@value #VERIFY_INTERVAL} of a trusted class, drawn at random, is
 * walked again to check.
 */
public final class SchedulerTracker {

	// A power of two, so that the check is a mask.
	static final int VERIFY_INTERVAL = 4096;

	private final TimerRegistry registry;

	private final String name;

	private final String type;

	private final ConcurrentHashMap<TaskOrigin, OriginStats> origins = new ConcurrentHashMap<>();

	private volatile SchedulerProbe probe = SchedulerProbe.NONE;

	private volatile @Nullable WeakReference<Object> scheduler;

	private volatile Runnable onClose = () -> {
	};

	private volatile Runnable onMaintain = () -> {
	};

	private final AtomicBoolean closed = new AtomicBoolean();

	// Opened once the first close has settled and unregistered; the thread running it, so that
	// a close it causes itself returns.
	private final CountDownLatch settled = new CountDownLatch(1);

	private static final long SETTLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

	private volatile @Nullable Thread closing;

	// Periodic tasks whose last run failed on a scheduler that usually runs them again, with the
	// runs they had started then: an error handler that re-throws stops them instead, which no
	// one reports. At most one entry per such task, until it runs again or ends.
	private final ConcurrentHashMap<TrackedTask, Integer> failedRuns = new ConcurrentHashMap<>();

	private final InstantDelays instantDelays;

	SchedulerTracker(TimerRegistry registry, String name, String type) {
		this.registry = registry;
		this.name = name;
		this.type = type;
		this.instantDelays = new InstantDelays(registry);
	}

	/**
	 * Count a new task from the origin of the given task object and return the bucket the
	 * task must hold.
	 * @param task the runnable or callable being scheduled
	 * @param kind how it is scheduled
	 * @return the task's pending bucket
	 */
	public PendingBucket admit(Object task, TaskKind kind) {
		return admit(task, kind, -1);
	}

	/**
	 * Count a new task from an origin already known (a {@code @Scheduled} method, say).
	 * @param origin the origin
	 * @param kind how it is scheduled
	 * @return the task's pending bucket
	 */
	public PendingBucket admit(TaskOrigin origin, TaskKind kind) {
		return admit(origin, kind, -1);
	}

	/**
	 * Count a new task and record its period, if it has one.
	 * @param task the runnable or callable being scheduled
	 * @param kind how it is scheduled
	 * @param periodNanos its period or fixed delay, or -1 if it is not periodic
	 * @return the task's pending bucket
	 */
	public PendingBucket admit(Object task, TaskKind kind, long periodNanos) {
		return admit(task, kind, periodNanos, -1);
	}

	/**
	 * Count a new task from an origin already known, and record its period, if it has one.
	 * @param origin the origin
	 * @param kind how it is scheduled
	 * @param periodNanos its period or fixed delay, or -1 if it is not periodic
	 * @return the task's pending bucket
	 */
	public PendingBucket admit(TaskOrigin origin, TaskKind kind, long periodNanos) {
		return admit(origin, kind, periodNanos, -1);
	}

	/**
	 * Count a new one-shot task from an origin already known, with the delay it was given,
	 * which may send it to the origin's long-delay lane (see {@link OriginStats.Lane#LONG_DELAY}).
	 * @param origin the origin
	 * @param kind how it is scheduled
	 * @param periodNanos its period or fixed delay, or -1 if it is not periodic
	 * @param delayNanos the delay of a one-shot task (zero for one run at once), or -1 if
	 * unknown (threads, some {@code execute} and {@code submit} paths) or periodic
	 * @return the task's pending bucket
	 */
	public PendingBucket admit(TaskOrigin origin, TaskKind kind, long periodNanos, long delayNanos) {
		PendingBucket bucket = admitTo(originAt(origin), kind, periodNanos, delayNanos);
		return (bucket != null) ? bucket : admitAgain(origin, kind, periodNanos, delayNanos);
	}

	/**
	 * Count a new one-shot task from the origin of the given task object, with the delay it
	 * was given, as {@link #admit(TaskOrigin, TaskKind, long, long)}.
	 * @param task the runnable or callable being scheduled
	 * @param kind how it is scheduled
	 * @param periodNanos its period or fixed delay, or -1 if it is not periodic
	 * @param delayNanos the delay of a one-shot task, or -1 if unknown or periodic
	 * @return the task's pending bucket
	 */
	public PendingBucket admit(Object task, TaskKind kind, long periodNanos, long delayNanos) {
		OriginStats stats = originFor(task);
		PendingBucket bucket = admitTo(stats, kind, periodNanos, delayNanos);
		return (bucket != null) ? bucket : admitAgain(stats.origin(), kind, periodNanos, delayNanos);
	}

	/**
	 * Count a one-shot task scheduled to run at an instant by the given clock, from the origin
	 * of the given task object, as {@link #admit(Object, TaskKind, long, long)} with the
	 * delay until that instant, which the clock is read for only when its origin needs to
	 * know it (see {@link InstantDelays}).
	 * @param task the runnable being scheduled
	 * @param startMillis when it is to run, by the clock
	 * @param clock the scheduler's clock
	 * @return the task's pending bucket
	 */
	public PendingBucket admitAt(Object task, long startMillis, Clock clock) {
		OriginStats stats = originFor(task);
		PendingBucket bucket = stats.admitAt(startMillis, clock);
		return (bucket != null) ? bucket : admitAgainAt(stats.origin(), startMillis, clock);
	}

	/**
	 * Count a one-shot task scheduled to run at an instant by the given clock, from an origin
	 * already known, as {@link #admitAt(Object, long, Clock)}.
	 * @param origin where the task comes from
	 * @param startMillis when it is to run, by the clock
	 * @param clock the scheduler's clock
	 * @return the task's pending bucket
	 */
	public PendingBucket admitAt(TaskOrigin origin, long startMillis, Clock clock) {
		PendingBucket bucket = originAt(origin).admitAt(startMillis, clock);
		return (bucket != null) ? bucket : admitAgainAt(origin, startMillis, clock);
	}

	// As admitAgain: the origin was evicted between the lookup and the admission.
	private PendingBucket admitAgainAt(TaskOrigin origin, long startMillis, Clock clock) {
		for (;;) {
			PendingBucket bucket = originAt(origin).admitAt(startMillis, clock);
			if (bucket != null) {
				return bucket;
			}
		}
	}

	InstantDelays instantDelays() {
		return this.instantDelays;
	}

	/**
	 * Count a live executor, {@code java.util.Timer} or thread started at the given origin,
	 * as a pending entry of kind {@link TaskKind#THREAD} until {@link LiveThreads#end()},
	 * dated when its first thread started rather than now: the recorder tells of a start about
	 * a second late, and a creation time dated at delivery would age every entry that much
	 * later and in steps of a delivery, where the detector needs their true ages.
	 * @param origin the line that started its threads
	 * @param startStack the stack that started its first thread, for the origin's detail
	 * @param ageMillis how long ago its first thread started (zero or more)
	 * @return what to end when its last thread ends
	 */
	public LiveThreads admitThreads(TaskOrigin origin, List<StackTraceElement> startStack, long ageMillis) {
		long createdMillis = this.registry.currentTimeMillis() - Math.max(0, ageMillis);
		for (;;) {
			PendingBucket bucket = originAt(origin, startStack).admitCreatedAt(TaskKind.THREAD,
					createdMillis);
			if (bucket != null) {
				return new LiveThreads(bucket);
			}
		}
	}

	// The origin was evicted between the lookup and the admission: it is gone from the table,
	// so the next lookup creates it afresh.
	private PendingBucket admitAgain(TaskOrigin origin, TaskKind kind, long periodNanos, long delayNanos) {
		for (;;) {
			PendingBucket bucket = admitTo(originAt(origin), kind, periodNanos, delayNanos);
			if (bucket != null) {
				return bucket;
			}
		}
	}

	private static @Nullable PendingBucket admitTo(OriginStats origin, TaskKind kind, long periodNanos,
			long delayNanos) {
		PendingBucket bucket = origin.admit(kind, delayNanos);
		// After the admission, which marks the origin's kinds: a check between the two never
		// sees a period without its kind (a fixed delay judged as a fixed rate).
		if (periodNanos > 0 && bucket != null) {
			origin.notePeriod(periodNanos);
		}
		return bucket;
	}

	OriginStats originFor(Object task) {
		LearnedOrigin learned = this.registry.learnedOrigin(task.getClass());
		TaskOrigin trusted = learned.trusted;
		if (trusted != null && (ThreadLocalRandom.current().nextInt() & (VERIFY_INTERVAL - 1)) != 0) {
			OriginStats last = learned.lastStats();
			if (last != null && last.scheduler() == this && last.origin() == trusted && !last.isRetired()) {
				return last;
			}
			OriginStats stats = originAt(trusted);
			learned.remember(stats);
			return stats;
		}
		return originAt(locate(task, learned));
	}

	// Off the hot path, apart so that the hot path stays small enough to inline: a framework's
	// task (Spring's wrapper of a @Scheduled method) may know its origin; other tasks are
	// walked, and teach their class.
	private TaskOrigin locate(Object task, LearnedOrigin learned) {
		if (learned.excluded) {
			TaskOrigin declared = this.registry.declaredOrigin(task);
			if (declared != null) {
				return declared;
			}
		}
		TaskOrigin located = this.registry.locator().locate();
		if (!learned.excluded) {
			learned.observe(located);
		}
		return located;
	}

	OriginStats originAt(TaskOrigin origin) {
		return originAt(origin, null);
	}

	private OriginStats originAt(TaskOrigin origin, @Nullable List<StackTraceElement> creationStack) {
		OriginStats stats = this.origins.get(origin);
		return (stats != null) ? stats : newOrigin(origin, creationStack);
	}

	// The table is bounded: past its size, new origins are counted together under an overflow
	// origin, which the registry reports.
	private OriginStats newOrigin(TaskOrigin origin, @Nullable List<StackTraceElement> creationStack) {
		if (this.closed.get()) {
			// Out of the registry: its origins are in no table and hold no room in it.
			return this.origins.computeIfAbsent(origin, (key) -> create(key, creationStack));
		}
		if (!this.registry.reserveOrigin()) {
			this.registry.overflowed(origin);
			return this.origins.computeIfAbsent(TaskOrigin.overflow(), (key) -> create(key, creationStack));
		}
		OriginStats created = create(origin, creationStack);
		created.holdPlace();
		OriginStats existing = this.origins.putIfAbsent(origin, created);
		if (existing != null) {
			this.registry.releaseOrigin();
			return existing;
		}
		if (this.closed.get()) {
			// Closed while this origin was made: the close may have counted the table before it
			// was in. Whichever of the two comes second finds the place given back already.
			created.releasePlace();
		}
		return created;
	}

	// The creation stack is the current one, unless the caller knows a better one (a thread's
	// start, learned after the fact on another thread).
	private OriginStats create(TaskOrigin origin, @Nullable List<StackTraceElement> creationStack) {
		return new OriginStats(this, origin,
				(creationStack != null) ? creationStack : this.registry.locator().captureStack(32));
	}

	/**
	 * Attach the live scheduler this tracker reports on. It is held weakly: once the
	 * application has let it go (and its probe holds it no longer) and none of its tasks is
	 * pending or running, maintenance closes this tracker, as it does when the probe tells the
	 * scheduler has terminated.
	 * @param scheduler the scheduler
	 * @param probe how to read its figures
	 */
	public void attach(Object scheduler, SchedulerProbe probe) {
		this.scheduler = new WeakReference<>(scheduler);
		this.probe = probe;
	}

	/**
	 * The scheduler attached to this tracker.
	 * @return the scheduler, or {@code null} if none was attached or it has been collected
	 */
	public @Nullable Object scheduler() {
		WeakReference<Object> scheduler = this.scheduler;
		return (scheduler != null) ? scheduler.get() : null;
	}

	public SchedulerProbe probe() {
		return this.probe;
	}

	public TimerRegistry registry() {
		return this.registry;
	}

	/**
	 * The scheduler's name, its bean name in a Spring application.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * The scheduler's type, as a simple class name.
	 * @return the type
	 */
	public String type() {
		return this.type;
	}

	public Collection<OriginStats> origins() {
		return Collections.unmodifiableCollection(this.origins.values());
	}

	/**
	 * The cancelled tasks this tracker has seen stay in their executor's queue. Only
	 * decorators that see tasks leave the queue (the tracking {@code ScheduledThreadPoolExecutor})
	 * count these; others leave it at zero and answer through their probe.
	 * @return the count
	 */
	public long countedRetainedCancelled() {
		long sum = 0;
		for (OriginStats origin : this.origins.values()) {
			sum += origin.retainedCancelled();
		}
		return sum;
	}

	/**
	 * Run the given action once when this tracker closes, before it is unregistered: a
	 * decorator that cannot see its executor's queue settles its tasks there.
	 * @param action the action; what it throws is reported, not passed on
	 */
	public void onClose(Runnable action) {
		this.onClose = action;
	}

	/**
	 * Run the given action at each of the registry's maintenance rounds (once an epoch), before
	 * this tracker is checked for closing: a decorator that cannot see its executor's queue
	 * settles there what the executor dropped since without a word.
	 * @param action the action; what it throws is reported, not passed on
	 */
	public void onMaintain(Runnable action) {
		this.onMaintain = action;
	}

	/**
	 * Stop reporting this scheduler: it has terminated. Idempotent, and whoever calls it
	 * returns only once the first call has settled the scheduler's tasks: two threads whose
	 * {@code awaitTermination} returns at once both read the settled counts after it.
	 */
	public void close() {
		if (this.closed.compareAndSet(false, true)) {
			this.closing = Thread.currentThread();
			try {
				this.onClose.run();
			}
			catch (Throwable ex) {
				TrackingFailures.report(ex);
			}
			finally {
				try {
					this.registry.unregister(this);
				}
				finally {
					this.closing = null;
					this.settled.countDown();
				}
			}
			return;
		}
		if (this.closing != Thread.currentThread()) {
			awaitSettled();
		}
	}

	// Settling takes microseconds; the wait is bounded all the same, so that no path this class
	// cannot see (a close that waits on the thread waiting here) turns into a hang: the counts
	// would then be read unsettled, as before this wait.
	private void awaitSettled() {
		long deadline = System.nanoTime() + SETTLE_WAIT_NANOS;
		boolean interrupted = false;
		try {
			while (true) {
				try {
					this.settled.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
					return;
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	// The application has let the scheduler go, and none of its tasks is pending or running:
	// tasks of a scheduler the application dropped may still run on the executor under it (a
	// periodic task on a ConcurrentTaskScheduler's executor), and stay reported until they end.
	// Pending tasks of a scheduler whose queue died with it never will.
	private boolean isLetGo() {
		WeakReference<Object> scheduler = this.scheduler;
		if (scheduler == null || scheduler.get() != null) {
			return false;
		}
		boolean pendingMayRun = this.probe.pendingTasksOutliveTheScheduler();
		for (OriginStats origin : this.origins.values()) {
			if (origin.running() > 0 || (pendingMayRun && origin.pending() > 0)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether this tracker has closed.
	 * @return whether it is closed
	 */
	public boolean isClosed() {
		return this.closed.get();
	}

	/**
	 * A run of a periodic task failed, on a scheduler that usually runs it again: maintenance
	 * settles it as failed if the scheduler stopped it instead.
	 * @param task the task
	 */
	public void watchFailedRun(TrackedTask task) {
		this.failedRuns.put(task, task.runsStarted());
	}

	// A scheduler's future that throws from isDone must not stop maintenance: its watch ends.
	private static boolean settledAfterFailedRun(java.util.Map.Entry<TrackedTask, Integer> watch) {
		try {
			return watch.getKey().settledAfterFailedRun(watch.getValue());
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
			return true;
		}
	}

	/**
	 * The registry's maintenance: settle the failed periodic tasks their schedulers stopped,
	 * fold ended buckets, drop idle origins, and close the tracker if its scheduler has
	 * terminated without telling.
	 */
	void maintain(int epoch, int idleEpochs) {
		this.failedRuns.entrySet().removeIf(SchedulerTracker::settledAfterFailedRun);
		try {
			this.onMaintain.run();
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
		this.origins.values().forEach((stats) -> {
			stats.prune(epoch);
			if (stats.retireIfIdle(epoch, idleEpochs) && this.origins.remove(stats.origin(), stats)) {
				stats.releasePlace();
			}
		});
		if (this.probe.isTerminated() || isLetGo()) {
			close();
		}
	}

}
