package dev.timerwatch.tracking;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

import org.jspecify.annotations.Nullable;

/**
 * Aggregates for the tasks of one origin on one scheduler, updated in constant time on every
 * task event and never by scanning tasks.
 */
public final class OriginStats {

	private static final Object[] NO_ATTACHMENTS = {};

	/**
	 * How many times the longest delay of its one-shot lane a one-shot task's delay must be
	 * to go to the long-delay lane. Three, measured against two and four by the leak simulation
	 * (README.md, "One-shot delays"): two sends healthy tasks there early in a life, and four
	 * stops telling an hour's delay apart after a day of exponential delays.
	 */
	static final int LONG_DELAY_FACTOR = 3;

	/**
	 * For how many registry epochs the longest delay must have stood before a longer one is
	 * judged against it: ten, which is a window when the window is 100 s or less, and 100 s
	 * otherwise (the auto-configuration's epoch is a tenth of the window, at most 10 s).
	 */
	static final int DELAY_SETTLED_EPOCHS = 10;

	private final SchedulerTracker scheduler;

	private final TimerRegistry registry;

	private final TaskOrigin origin;

	private final String id;

	private final List<StackTraceElement> creationStack;

	// The counts of retired buckets, folded in by the maintenance thread.
	private final LongAdder retiredAdmitted = new LongAdder();

	private final LongAdder retiredCompleted = new LongAdder();

	private final LongAdder retiredFailed = new LongAdder();

	private final LongAdder retiredCancelled = new LongAdder();

	// Runs counted completed or failed whose future was then cancelled after all.
	private final LongAdder completedThenCancelled = new LongAdder();

	private final LongAdder failedThenCancelled = new LongAdder();

	final LongAdder runs = new LongAdder();

	final LongAdder failedRuns = new LongAdder();

	private final AtomicInteger kinds = new AtomicInteger();

	// Misuse figures: written on the task's thread, read by the sampler; last writer wins.
	private volatile long periodNanos = -1;

	private volatile boolean lastRunOverran;

	/** Cycles of a fixed-delay task not judged for a hot loop: its cold start. */
	public static final int WARM_UP_CYCLES = 3;

	private int fixedDelayCycles;

	private volatile boolean fixedDelayTookItsTime;

	private volatile int consecutiveFailedRuns;

	private volatile @Nullable String lastFailure;

	private volatile @Nullable String lastFailureType;

	private final ConcurrentLinkedDeque<PendingBucket> buckets = new ConcurrentLinkedDeque<>();

	// The newest bucket of each lane, created on the lane's first task: tasks that run once (and
	// live threads), and tasks that repeat until cancelled. Each lane's buckets are its own, so
	// that the leak detector can judge the ages of periodic tasks apart from one-shot ones.
	private volatile @Nullable PendingBucket current;

	private volatile @Nullable PendingBucket currentRepeating;

	// One-shot tasks whose delay is far beyond every other's (an hour's timeout among
	// 30-second ones), in a lane of their own, so that they are judged against no healthy
	// lifetime: see admit(TaskKind, long).
	private volatile @Nullable PendingBucket currentLongDelay;

	// The longest delay of a one-shot task of the one-shot lane so far, in nanoseconds, -1
	// before the first; the epoch it was set in; and whether it has stood long enough, once,
	// for longer delays to be judged against it.
	private volatile long longestDelayNanos = -1;

	private volatile int longestDelayEpoch;

	private volatile boolean delaysSettled;

	private final LongAdder longDelayAdmitted = new LongAdder();

	// The epoch the origin was created in: until its first task lands, it has no bucket to say
	// it is new, and must not be retired as idle meanwhile.
	private final int createdEpoch;

	private volatile boolean retired;

	// Odd while prune() folds a bucket into the retired totals: see total().
	private volatile int folding;

	// Whether this origin holds one of the registry's places in its origin table. Given back
	// exactly once, by whichever of eviction, the tracker's close or an admission that finds
	// the tracker closed gets there first: each of them may run on its own thread.
	private final AtomicBoolean holdsPlace = new AtomicBoolean();

	// Per-origin state of run observers (meters, misuse checks), found without a map lookup.
	private volatile Object[] attachments = NO_ATTACHMENTS;

	OriginStats(SchedulerTracker scheduler, TaskOrigin origin, List<StackTraceElement> creationStack) {
		this.scheduler = scheduler;
		this.registry = scheduler.registry();
		this.origin = origin;
		this.id = shortId(scheduler.name(), origin);
		this.creationStack = List.copyOf(creationStack);
		this.createdEpoch = this.registry.epoch();
	}

	/**
	 * Count a new task in the current epoch's bucket of its lane.
	 * @param kind how it is scheduled
	 * @return the bucket, or {@code null} if this origin has been evicted, in which case the
	 * caller looks the origin up again
	 */
	@Nullable PendingBucket admit(TaskKind kind) {
		return admit(kind, -1);
	}

	/**
	 * Count a new task in the current epoch's bucket of its lane, knowing the delay a
	 * one-shot task was given. The task goes to the long-delay lane ({@link Lane#LONG_DELAY})
	 * when its delay is over {@value #LONG_DELAY_FACTOR} times the longest delay
	 * of the one-shot lane, once that longest delay has stood for
	 * {@value #DELAY_SETTLED_EPOCHS} epochs; a delay sent there never raises the longest. Per
	 * task, that costs a volatile read and a compare (one compare for an unknown delay); only
	 * a delay longer than the longest seen takes
	 * a slower path: the long-delay lane, or a raise under the origin's lock, which is as rare
	 * as a record broken (about ln n times in n delays drawn alike).
	 * @param kind how it is scheduled
	 * @param delayNanos the delay of a one-shot task, or -1 if unknown or periodic
	 * @return the bucket, or {@code null} if this origin has been evicted, in which case the
	 * caller looks the origin up again
	 */
	@Nullable PendingBucket admit(TaskKind kind, long delayNanos) {
		noteKind(kind);
		Lane lane = kind.isPeriodic() ? Lane.PERIODIC
				: (delayNanos < 0 || delayNanos <= this.longestDelayNanos) ? Lane.ONE_SHOT
						: laneOfLongerDelay(delayNanos);
		return admitTo(lane);
	}

	/**
	 * Count a one-shot task scheduled to run at an instant, as {@link #admit(TaskKind, long)}
	 * with its delay, except that a delay within a sixteenth over the longest of the one-shot
	 * lane raises nothing: such a delay needs no more than a bound from the scheduler's clock as
	 * last read ({@link InstantDelays}), and goes to the one-shot lane, whatever it is. Only a
	 * task whose bound is further over has its scheduler's clock read for its delay. The
	 * sixteenth spares a line whose delays are all alike (a fixed timeout) a read per task:
	 * each bound is its delay plus the time since the last reading, over the longest as soon
	 * as the clock has moved on. The longest may so be understated by up to a sixteenth, and
	 * the long-delay lane then take delays from 2.8 times it instead of 3.
	 * @param startMillis when the task is to run, by the scheduler's clock
	 * @param clock the scheduler's clock
	 * @return the bucket, or {@code null} if this origin has been evicted, in which case the
	 * caller looks the origin up again
	 */
	@Nullable PendingBucket admitAt(long startMillis, Clock clock) {
		InstantDelays delays = this.scheduler.instantDelays();
		long atLeastTheDelay = delays.atLeastTheDelayNanos(clock, startMillis);
		long longest = this.longestDelayNanos;
		// A longest of -1 (none yet) leaves no delay within it.
		if (atLeastTheDelay < 0 || atLeastTheDelay - longest > (longest >> 4)) {
			return admit(TaskKind.ONCE, delays.delayNanos(clock, startMillis));
		}
		noteKind(TaskKind.ONCE);
		return admitTo(Lane.ONE_SHOT);
	}

	private @Nullable PendingBucket admitTo(Lane lane) {
		for (;;) {
			PendingBucket bucket = current(lane);
			int epoch = this.registry.epoch();
			if (bucket == null || bucket.epoch() != epoch) {
				bucket = rotate(epoch, lane);
				if (bucket == null) {
					return null;
				}
			}
			if (bucket.tryAdmit()) {
				return bucket;
			}
			if (this.retired) {
				return null;
			}
		}
	}

	// A one-shot task whose delay is longer than the longest so far.
	private Lane laneOfLongerDelay(long delayNanos) {
		long longest = this.longestDelayNanos;
		// Settled or not is asked before any raise, which starts the longest's clock again.
		boolean settled = longest > 0 && delaysSettled();
		if (settled && delayNanos / LONG_DELAY_FACTOR > longest) {
			this.longDelayAdmitted.increment();
			return Lane.LONG_DELAY;
		}
		raiseLongestDelay(delayNanos);
		return Lane.ONE_SHOT;
	}

	private boolean delaysSettled() {
		if (!this.delaysSettled && this.registry.epoch() - this.longestDelayEpoch >= DELAY_SETTLED_EPOCHS) {
			// Once settled, always: a longest delay that rises later does not unsettle it.
			this.delaysSettled = true;
		}
		return this.delaysSettled;
	}

	private synchronized void raiseLongestDelay(long delayNanos) {
		if (delayNanos > this.longestDelayNanos) {
			this.longestDelayEpoch = this.registry.epoch();
			this.longestDelayNanos = delayNanos;
		}
	}

	// Compares, not a switch: an enum switch reads a lookup array on every admission.
	private @Nullable PendingBucket current(Lane lane) {
		return (lane == Lane.ONE_SHOT) ? this.current
				: (lane == Lane.PERIODIC) ? this.currentRepeating : this.currentLongDelay;
	}

	private void noteKind(TaskKind kind) {
		int bit = 1 << kind.ordinal();
		if ((this.kinds.get() & bit) == 0) {
			this.kinds.getAndAccumulate(bit, (a, b) -> a | b);
		}
	}

	/**
	 * Count an entry created before now, known after the fact (a thread's start, which the
	 * recorder tells about a second late), in the bucket of its creation time rather than the
	 * current epoch's. Buckets are begun at a creation time, one per registry epoch length of
	 * creation times, so each bucket's entries were created before the next bucket begins: the
	 * detector's reading. An entry older than the newest bucket (events out of order) goes to
	 * the newest bucket begun by then, which errs young, never old. An origin is admitted either
	 * this way or by {@link #admit}, never both: the two date buckets differently. Only entries
	 * that run once (live threads) are admitted this way, to the one-shot lane.
	 * @param kind how it is scheduled
	 * @param createdMillis when it was created, by the registry's clock, no later than now
	 * @return the bucket, or {@code null} if this origin has been evicted, in which case the
	 * caller looks the origin up again
	 */
	synchronized @Nullable PendingBucket admitCreatedAt(TaskKind kind, long createdMillis) {
		noteKind(kind);
		if (this.retired) {
			return null;
		}
		if (kind.isPeriodic()) {
			throw new IllegalArgumentException("only entries that run once are dated after the fact, not " + kind);
		}
		// Under this lock, prune() and retireIfIdle() cannot retire a bucket still listed.
		PendingBucket home = this.current;
		if (home == null || createdMillis >= home.startMillis()) {
			if (home == null || createdMillis - home.startMillis() >= this.registry.epochMillis()) {
				home = new PendingBucket(this, this.registry.epoch(), createdMillis,
						createdMillis + this.registry.epochMillis(), Lane.ONE_SHOT);
				this.buckets.addLast(home);
				this.current = home;
			}
		}
		else {
			home = null;
			for (PendingBucket bucket : this.buckets) {
				if (bucket.startMillis() > createdMillis) {
					break;
				}
				home = bucket;
			}
			if (home == null) {
				home = new PendingBucket(this, this.buckets.getFirst().epoch(), createdMillis,
						this.buckets.getFirst().startMillis(), Lane.ONE_SHOT);
				this.buckets.addFirst(home);
			}
			else {
				// Later than an epoch after its start, maybe, if no bucket began in between.
				home.extendTo(createdMillis);
			}
		}
		return home.tryAdmit() ? home : null;
	}

	private synchronized @Nullable PendingBucket rotate(int epoch, Lane lane) {
		PendingBucket bucket = current(lane);
		if ((bucket == null || bucket.epoch() != epoch) && !this.retired) {
			bucket = new PendingBucket(this, epoch, this.registry.currentTimeMillis(), lane);
			this.buckets.addLast(bucket);
			switch (lane) {
				case ONE_SHOT -> this.current = bucket;
				case PERIODIC -> this.currentRepeating = bucket;
				case LONG_DELAY -> this.currentLongDelay = bucket;
			}
		}
		return bucket;
	}

	/**
	 * Fold ended buckets into the origin's totals. A bucket at least two epochs old whose tasks
	 * have all ended is retired, so no late admission can land in it once it is dropped.
	 */
	synchronized void prune(int epoch) {
		// Run as the registry moves to a new epoch: the buckets of the epochs before it take no
		// new task, and end now.
		long now = this.registry.currentTimeMillis();
		Iterator<PendingBucket> iterator = this.buckets.iterator();
		while (iterator.hasNext()) {
			PendingBucket bucket = iterator.next();
			if (bucket.epoch() < epoch) {
				bucket.end(now);
			}
			if (bucket != this.current && bucket != this.currentRepeating && bucket != this.currentLongDelay
					&& bucket.epoch() <= epoch - 2
					&& bucket.retireIfEnded()) {
				long completed = bucket.completed.sum();
				long failed = bucket.failed.sum();
				// None is retained any more: every retained task has been released.
				long cancelled = bucket.cancelled();
				this.folding++;
				try {
					// Every task of the bucket has ended: its ended tasks are its admitted ones.
					// Its admitted count may still hold, for an instant, an admission that found
					// the bucket retired and is taking itself back.
					this.retiredAdmitted.add(completed + failed + cancelled);
					this.retiredCompleted.add(completed);
					this.retiredFailed.add(failed);
					this.retiredCancelled.add(cancelled);
					iterator.remove();
				}
				finally {
					this.folding++;
				}
			}
		}
	}

	// A total read while a bucket is folded would count it twice, or not at all, for an
	// instant: a counter meter would go down, which Prometheus takes for a reset. Readers
	// retry until no fold overlapped their read (a sequence lock: odd while one is under way;
	// every figure read is volatile, so the reads cannot move outside the two checks).
	private long total(LongSupplier figure) {
		for (;;) {
			int before = this.folding;
			if ((before & 1) == 0) {
				long total = figure.getAsLong();
				if (this.folding == before) {
					return total;
				}
			}
			Thread.onSpinWait();
		}
	}

	void holdPlace() {
		this.holdsPlace.set(true);
	}

	/**
	 * Give back this origin's place in the registry's table, if it holds one still.
	 */
	void releasePlace() {
		if (this.holdsPlace.compareAndSet(true, false)) {
			this.registry.releaseOrigin();
		}
	}

	/**
	 * Retire this origin if no task of it is live and none was admitted for the given number
	 * of epochs.
	 * @param epoch the current epoch
	 * @param idleEpochs how many epochs without a new task make an origin idle
	 * @return whether it is retired, in which case its tracker drops it
	 */
	synchronized boolean retireIfIdle(int epoch, int idleEpochs) {
		PendingBucket[] lanes = { this.current, this.currentRepeating, this.currentLongDelay };
		if (this.createdEpoch > epoch - idleEpochs) {
			return false;
		}
		for (PendingBucket lane : lanes) {
			if (admitsAfter(lane, epoch - idleEpochs)) {
				return false;
			}
		}
		// Every bucket, the current ones too, before retiring any: a live periodic task keeps
		// its origin, and retiring another lane's bucket meanwhile would turn its new tasks
		// away until it reopened.
		for (PendingBucket bucket : this.buckets) {
			if (bucket.live() != 0) {
				return false;
			}
		}
		this.retired = true;
		for (int i = 0; i < lanes.length; i++) {
			if (lanes[i] != null && !lanes[i].retireIfEnded()) {
				// Retired for nothing: a task arrived in another lane meanwhile.
				for (int j = 0; j < i; j++) {
					if (lanes[j] != null) {
						lanes[j].reopen();
					}
				}
				this.retired = false;
				return false;
			}
		}
		return true;
	}

	private static boolean admitsAfter(@Nullable PendingBucket bucket, int epoch) {
		return bucket != null && bucket.epoch() > epoch;
	}

	boolean isRetired() {
		return this.retired;
	}

	/**
	 * A task counted completed or failed turned out cancelled: its future was cancelled
	 * after the run returned and before the future recorded the result.
	 * @param wasFailed whether it had been counted failed
	 */
	void recountAsCancelled(boolean wasFailed) {
		(wasFailed ? this.failedThenCancelled : this.completedThenCancelled).increment();
	}

	/**
	 * The state a run observer keeps for this origin, created on first use. The factory runs
	 * outside any lock of this origin and may run more than once in a race, so it must return
	 * the same state for the same origin (or state that can be dropped); a {@code null} is
	 * not kept, and the factory is asked again next time.
	 * @param <T> the state's type
	 * @param key identifies the observer; compared by identity
	 * @param factory creates the state
	 * @return the state, or {@code null}
	 */
	@SuppressWarnings("unchecked")
	public <T> @Nullable T attachment(Object key, Function<OriginStats, @Nullable T> factory) {
		Object[] pairs = this.attachments;
		for (int i = 0; i < pairs.length; i += 2) {
			if (pairs[i] == key) {
				return (T) pairs[i + 1];
			}
		}
		T value = factory.apply(this);
		return (value != null) ? attach(key, value) : null;
	}

	@SuppressWarnings("unchecked")
	private synchronized <T> T attach(Object key, T value) {
		Object[] pairs = this.attachments;
		for (int i = 0; i < pairs.length; i += 2) {
			if (pairs[i] == key) {
				return (T) pairs[i + 1];
			}
		}
		Object[] grown = Arrays.copyOf(pairs, pairs.length + 2);
		grown[pairs.length] = key;
		grown[pairs.length + 1] = value;
		this.attachments = grown;
		return value;
	}

	/**
	 * The tracker of the scheduler these tasks run on.
	 * @return the scheduler tracker
	 */
	public SchedulerTracker scheduler() {
		return this.scheduler;
	}

	public TaskOrigin origin() {
		return this.origin;
	}

	/**
	 * A short id, stable across restarts, for this origin on this scheduler.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	public String schedulerName() {
		return this.scheduler.name();
	}

	/**
	 * The stack that created the first task of this origin, from its first application frame.
	 * @return the frames, possibly empty
	 */
	public List<StackTraceElement> creationStack() {
		return this.creationStack;
	}

	public long pending() {
		return sumOverBuckets(PendingBucket::pending);
	}

	public long running() {
		return sumOverBuckets((bucket) -> bucket.running.sum());
	}

	/**
	 * Tasks admitted and not yet ended: pending, running or retained.
	 * @return the count
	 */
	public long live() {
		return sumOverBuckets(PendingBucket::live);
	}

	public long scheduled() {
		return total(() -> this.retiredAdmitted.sum() + sumOverBuckets((bucket) -> bucket.admitted.sum()));
	}

	// The *ThenCancelled adders are never folded: read outside the sequence lock.
	public long completed() {
		return completedAsCounted() - this.completedThenCancelled.sum();
	}

	public long failed() {
		return failedAsCounted() - this.failedThenCancelled.sum();
	}

	/**
	 * Tasks cancelled or removed without running, the retained ones included.
	 * @return the count
	 */
	public long cancelled() {
		return cancelledAsCounted() + this.completedThenCancelled.sum() + this.failedThenCancelled.sum();
	}

	/**
	 * Tasks completed, counted once and for good: a task whose future is cancelled after its
	 * run returned, which {@link #completed()} moves to {@link #cancelled()}, stays here. For
	 * counter meters, which must never go down (Prometheus reads a fall as a reset).
	 * @return the count
	 */
	public long completedAsCounted() {
		return total(() -> this.retiredCompleted.sum() + sumOverBuckets((bucket) -> bucket.completed.sum()));
	}

	/**
	 * Tasks failed, counted once and for good: see {@link #completedAsCounted()}.
	 * @return the count
	 */
	public long failedAsCounted() {
		return total(() -> this.retiredFailed.sum() + sumOverBuckets((bucket) -> bucket.failed.sum()));
	}

	/**
	 * Tasks cancelled or removed without running, counted once and for good: without those
	 * cancelled after their run returned, which {@link #completedAsCounted()} and
	 * {@link #failedAsCounted()} keep.
	 * @return the count
	 */
	public long cancelledAsCounted() {
		return total(() -> this.retiredCancelled.sum() + sumOverBuckets(PendingBucket::cancelled));
	}

	/**
	 * Cancelled tasks of this origin that their executor still holds in its queue.
	 * @return the count
	 */
	public long retainedCancelled() {
		return sumOverBuckets(PendingBucket::retained);
	}

	// Reads only: the figures are kept per bucket as tasks move, never computed from tasks.
	private long sumOverBuckets(ToLongFunction<PendingBucket> figure) {
		long sum = 0;
		for (PendingBucket bucket : this.buckets) {
			sum += figure.applyAsLong(bucket);
		}
		return sum;
	}

	/**
	 * How many runs have ended, periodic runs included.
	 * @return the run count
	 */
	public long runs() {
		return this.runs.sum();
	}

	/**
	 * How many runs have thrown, whether or not the task ran again afterwards.
	 * @return the failed run count
	 */
	public long failedRuns() {
		return this.failedRuns.sum();
	}

	public Set<TaskKind> kinds() {
		EnumSet<TaskKind> result = EnumSet.noneOf(TaskKind.class);
		int bits = this.kinds.get();
		for (TaskKind kind : TaskKind.values()) {
			if ((bits & (1 << kind.ordinal())) != 0) {
				result.add(kind);
			}
		}
		return result;
	}

	/**
	 * When the oldest pending task was created, to the resolution of a registry epoch.
	 * @return epoch milliseconds, or -1 if nothing is pending
	 */
	public long oldestPendingMillis() {
		for (PendingBucket bucket : this.buckets) {
			if (bucket.pending() > 0) {
				return bucket.startMillis();
			}
		}
		return -1;
	}

	// An exception's toString runs the application's getMessage, which may throw: what it
	// throws must not stop the run's end from being tracked.
	private static String describe(Throwable failure) {
		try {
			return failure.toString();
		}
		catch (Throwable ex) {
			return failure.getClass().getName() + " (its toString() threw " + ex.getClass().getName() + ")";
		}
	}

	/**
	 * Whether every periodic task of this origin runs with a fixed delay, and nothing else:
	 * its runs never overlap nor bunch up, whatever they take.
	 * @return whether the origin's only kind is {@link TaskKind#FIXED_DELAY}
	 */
	public boolean isFixedDelayOnly() {
		return this.kinds.get() == (1 << TaskKind.FIXED_DELAY.ordinal());
	}

	/**
	 * Whether some task of this origin was scheduled in the given way, without a set.
	 * @param kind the kind
	 * @return whether the origin has it
	 */
	public boolean hasKind(TaskKind kind) {
		return (this.kinds.get() & (1 << kind.ordinal())) != 0;
	}

	/**
	 * Count a cycle of a fixed-delay task (its delay and its run), and tell how many cycles
	 * after the first {@value #WARM_UP_CYCLES} (a cold start: a connection pool opened, code not
	 * compiled yet) were shorter than a hot loop's threshold, as long as none was longer: a
	 * task that took its time once after warming up (a long poll waiting for messages) is no
	 * hot loop, however often it returns at once.
	 * @param hot whether the cycle was shorter than the threshold
	 * @return the short cycles counted after the warm-up, or -1 once a cycle after it was not
	 * short
	 */
	public int noteFixedDelayCycle(boolean hot) {
		// Racy on purpose: a lost count delays a finding by a cycle; a long cycle, once seen,
		// is never forgotten.
		int cycle = ++this.fixedDelayCycles;
		if (cycle <= WARM_UP_CYCLES) {
			return 0;
		}
		if (!hot) {
			this.fixedDelayTookItsTime = true;
		}
		return this.fixedDelayTookItsTime ? -1 : cycle - WARM_UP_CYCLES;
	}

	/**
	 * Whether the last run of this origin's periodic tasks took longer than their period, so
	 * that the next run of a fixed-rate task starts late by its own doing.
	 * @return whether it overran
	 */
	public boolean lastRunOverran() {
		return this.lastRunOverran;
	}

	/**
	 * Record whether a run took longer than the period.
	 * @param overran whether it did
	 */
	public void noteRunOverran(boolean overran) {
		if (this.lastRunOverran != overran) {
			this.lastRunOverran = overran;
		}
	}

	/**
	 * The period or fixed delay of the origin's periodic tasks, as last scheduled.
	 * @return nanoseconds, or -1 if unknown or not periodic
	 */
	public long periodNanos() {
		return this.periodNanos;
	}

	/**
	 * Record the period of a periodic task of this origin.
	 * @param nanos the period or fixed delay
	 */
	public void notePeriod(long nanos) {
		if (this.periodNanos != nanos) {
			this.periodNanos = nanos;
		}
	}

	/**
	 * How many runs in a row have thrown, up to the last run.
	 * @return the count, zero after a run that returned normally
	 */
	public int consecutiveFailedRuns() {
		return this.consecutiveFailedRuns;
	}

	/**
	 * What the last failed run (or a trigger that ended its task by throwing) threw. Its message
	 * may carry anything the application put in it, so it is for the log and for readers allowed
	 * to see details.
	 * @return the exception's class and message, or {@code null}
	 */
	public @Nullable String lastFailure() {
		return this.lastFailure;
	}

	/**
	 * The class of what the last failed run threw, without its message.
	 * @return the exception's class name, or {@code null}
	 */
	public @Nullable String lastFailureType() {
		return this.lastFailureType;
	}

	void runEndedWith(@Nullable Throwable failure) {
		if (failure != null) {
			this.consecutiveFailedRuns = this.consecutiveFailedRuns + 1;
			failedWith(failure);
		}
		else if (this.consecutiveFailedRuns != 0) {
			this.consecutiveFailedRuns = 0;
		}
	}

	// What a failed run threw, or a trigger that ended its task by throwing.
	void failedWith(Throwable failure) {
		this.lastFailureType = failure.getClass().getName();
		this.lastFailure = describe(failure);
	}

	/**
	 * A sample of the oldest pending tasks, oldest first. Only the first few tasks of each
	 * epoch are sampled, and weakly, so this is a sample and never holds a task alive.
	 * @param max how many to return at most
	 * @return the tasks
	 */
	public List<TrackedTask> oldestPendingSample(int max) {
		List<TrackedTask> result = new ArrayList<>(max);
		for (PendingBucket bucket : this.buckets) {
			if (result.size() >= max) {
				break;
			}
			if (bucket.pending() > 0) {
				bucket.collectPendingSamples(result, max);
			}
		}
		return result;
	}

	/**
	 * How long until the next run among the sampled pending tasks.
	 * @return milliseconds, or -1 if unknown
	 */
	public long nextFireInMillis() {
		long next = -1;
		for (TrackedTask task : oldestPendingSample(4 * 8)) {
			long delay = task.nextFireInMillis();
			if (delay >= 0 && (next < 0 || delay < next)) {
				next = delay;
			}
		}
		return next;
	}

	private static String shortId(String scheduler, TaskOrigin origin) {
		long hash = 0xcbf29ce484222325L;
		for (byte b : (scheduler + "|" + origin.describe()).getBytes(StandardCharsets.UTF_8)) {
			hash ^= (b & 0xff);
			hash *= 0x100000001b3L;
		}
		return String.format("%016x", hash).substring(0, 12);
	}

	@Override
	public String toString() {
		return this.origin.describe() + " on " + this.scheduler.name();
	}

	/**
	 * The live creation epochs of one lane of the origin, oldest first: when each began, how
	 * many tasks it admitted and how many of those are still pending. Read-only: the leak
	 * detector learns from it how long this origin's tasks live and how many have outlived
	 * that, which a pending count alone cannot tell. Periodic tasks are one lane and all other
	 * tasks the other, since a periodic task lives until it is cancelled and a one-shot task at
	 * most until it fires: judged together, a few long-lived periodic tasks would teach a
	 * lifetime that hides every one-shot leak, and the long tail of one-shot lifetimes would
	 * hide a periodic leak. Drained epochs are pruned, so the list is as long as the span of
	 * creation times still pending, not the origin's history.
	 * @param repeating the periodic lane ({@link TaskKind#isPeriodic()}), or the other
	 * @return a snapshot per epoch, oldest first; empty if the lane has had no task
	 */
	public List<EpochCount> pendingByEpoch(boolean repeating) {
		return pendingByEpoch(repeating ? Lane.PERIODIC : Lane.ONE_SHOT);
	}

	/**
	 * The live creation epochs of one lane of the origin, oldest first, as
	 * {@link #pendingByEpoch(boolean)}.
	 * @param lane the lane
	 * @return a snapshot per epoch, oldest first; empty if the lane has had no task
	 */
	public List<EpochCount> pendingByEpoch(Lane lane) {
		List<EpochCount> result = new ArrayList<>();
		for (PendingBucket bucket : this.buckets) {
			if (bucket.lane() == lane) {
				// A running task has not ended: for the ages of live tasks it counts as pending.
				long admitted = bucket.admitted.sum();
				long pending = bucket.pending() + bucket.running.sum();
				// Read after the counts: a task dated late into the bucket extends its end before
				// it is counted, so an end read last covers every task counted.
				result.add(new EpochCount(bucket.startMillis(), bucket.endMillis(), admitted, pending));
			}
		}
		return result;
	}

	/**
	 * The delay over which a one-shot task of this origin goes to its long-delay lane:
	 * {@value #LONG_DELAY_FACTOR} times the longest delay of its one-shot lane.
	 * @return nanoseconds, or -1 until that longest delay has stood long enough to judge by
	 */
	public long longDelayOverNanos() {
		long longest = this.longestDelayNanos;
		return (this.delaysSettled && longest > 0) ? LONG_DELAY_FACTOR * longest : -1;
	}

	/**
	 * How many one-shot tasks of this origin went to its long-delay lane.
	 * @return the count
	 */
	public long longDelayAdmitted() {
		return this.longDelayAdmitted.sum();
	}

	/**
	 * The lanes of an origin's tasks, each judged apart by the leak detector.
	 */
	public enum Lane {

		/** Tasks that run once (and live threads), apart from those of {@link #LONG_DELAY}. */
		ONE_SHOT,

		/** Tasks that repeat until cancelled. */
		PERIODIC,

		/**
		 * One-shot tasks given a delay many times the longest of the others (an hour's
		 * timeout among 30-second ones): such a task outlives every healthy lifetime of the
		 * one-shot lane, which a leak of them would take that long to show in.
		 */
		LONG_DELAY

	}

	/**
	 * The tasks of one creation epoch of an origin, as read at one moment.
	 *
	 * @param startMillis when the epoch began, in epoch milliseconds
	 * @param endMillis the latest its tasks can have been created, or -1 while it may still
	 * take new ones
	 * @param admitted tasks created during the epoch
	 * @param pending those of them still pending
	 */
	public record EpochCount(long startMillis, long endMillis, long admitted, long pending) {

		/**
		 * An epoch whose end is not known.
		 * @param startMillis when the epoch began
		 * @param admitted tasks created during the epoch
		 * @param pending those of them still pending
		 */
		public EpochCount(long startMillis, long admitted, long pending) {
			this(startMillis, -1, admitted, pending);
		}

	}

}
