package dev.timerwatch.tracking;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * All tracked schedulers of one application, and the clock that dates their pending tasks.
 *
 * <p>Tasks are dated by epoch, not by reading the clock on every {@code schedule} call: the
 * epoch moves on when {@link #advance()} is called (by the health sampler, and before each
 * read) at least {@code epochMillis} after the last move, so a task's creation time is known
 * to that resolution.
 */
public final class TimerRegistry {

	static final int DEFAULT_MAX_ORIGINS = 10_000;

	static final long DEFAULT_IDLE_MILLIS = 30 * 60_000;

	private static final System.Logger logger = System.getLogger(TimerRegistry.class.getName());

	private final CallSiteLocator locator;

	private final LongSupplier clock;

	private final long epochMillis;

	private final ConcurrentHashMap<String, SchedulerTracker> schedulers = new ConcurrentHashMap<>();

	private final int maxOrigins;

	private final int idleEpochs;

	private final AtomicInteger originCount = new AtomicInteger();

	private final LongAdder overflowedTasks = new LongAdder();

	private final AtomicBoolean overflowReported = new AtomicBoolean();

	private volatile int epoch;

	private volatile long epochStartMillis;

	private volatile TaskObserver observer = TaskObserver.NONE;

	private volatile @Nullable Function<Object, @Nullable TaskOrigin> declaredOrigins;

	// One per registry, not per scheduler: a JVM with many ClassValues for one class falls
	// back to a slow, synchronized lookup.
	private final ClassValue<LearnedOrigin> learnedOrigins = new ClassValue<>() {
		@Override
		protected LearnedOrigin computeValue(Class<?> type) {
			return new LearnedOrigin(TimerRegistry.this.locator.isExcluded(type.getName()));
		}
	};

	/**
	 * A registry with the default call-site locator, a clock that never goes back
	 * ({@link MonotonicClock}) and ten-second epochs.
	 */
	public TimerRegistry() {
		this(CallSiteLocator.withDefaults(), MonotonicClock::millis, 10_000);
	}

	/**
	 * Create a registry with a table of at most 10,000 origins, each dropped after half an
	 * hour with nothing live and nothing new.
	 * @param locator finds the call site of new tasks
	 * @param clock epoch milliseconds
	 * @param epochMillis the resolution of task creation times
	 */
	public TimerRegistry(CallSiteLocator locator, LongSupplier clock, long epochMillis) {
		this(locator, clock, epochMillis, DEFAULT_MAX_ORIGINS, Math.max(3, (int) (DEFAULT_IDLE_MILLIS / epochMillis)));
	}

	/**
	 * Create a registry.
	 * @param locator finds the call site of new tasks
	 * @param clock epoch milliseconds
	 * @param epochMillis the resolution of task creation times
	 * @param maxOrigins how many origins the table holds, over all schedulers; tasks from
	 * further origins are counted under {@link TaskOrigin#overflow()}
	 * @param idleEpochs after how many epochs with no live task and no new one an origin is
	 * dropped (at least 3)
	 */
	public TimerRegistry(CallSiteLocator locator, LongSupplier clock, long epochMillis, int maxOrigins,
			int idleEpochs) {
		if (epochMillis <= 0) {
			throw new IllegalArgumentException("epochMillis must be positive, was " + epochMillis);
		}
		if (maxOrigins < 1) {
			throw new IllegalArgumentException("maxOrigins must be positive, was " + maxOrigins);
		}
		if (idleEpochs < 3) {
			throw new IllegalArgumentException("idleEpochs must be at least 3, was " + idleEpochs);
		}
		this.maxOrigins = maxOrigins;
		this.idleEpochs = idleEpochs;
		this.locator = locator;
		this.clock = clock;
		this.epochMillis = epochMillis;
		this.epochStartMillis = clock.getAsLong();
	}

	/**
	 * Start tracking a scheduler. A name already in use by a scheduler that has not
	 * terminated is kept by that scheduler, and this one is registered as {@code name#2} (or
	 * the next number free): both go on running, and both are reported. Closing the earlier
	 * tracker instead would leave its scheduler reporting to a tracker that nothing reads or
	 * maintains (the instances of a prototype-scoped scheduler bean share their bean name). A
	 * tracker gives its name back when its scheduler terminates, or, for a scheduler whose end
	 * timerwatch cannot see, when the application has let it go (see
	 * {@link SchedulerTracker#attach}).
	 * @param name the scheduler's name
	 * @param type the scheduler's type
	 * @return its tracker, to which the scheduler is then attached
	 */
	public SchedulerTracker register(String name, String type) {
		for (int n = 1;;) {
			String candidate = (n == 1) ? name : name + "#" + n;
			SchedulerTracker tracker = new SchedulerTracker(this, candidate, type);
			SchedulerTracker existing = this.schedulers.putIfAbsent(candidate, tracker);
			if (existing == null) {
				return tracker;
			}
			if (existing.isClosed() || hasTerminated(existing)) {
				// Its name is free: the close gives back its origins' places, and unregisters
				// nothing, as the name is this tracker's already.
				if (this.schedulers.replace(candidate, existing, tracker)) {
					existing.close();
					return tracker;
				}
			}
			else {
				n++;
			}
		}
	}

	private static boolean hasTerminated(SchedulerTracker tracker) {
		try {
			return tracker.probe().isTerminated();
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
			return false;
		}
	}

	void unregister(SchedulerTracker tracker) {
		this.schedulers.remove(tracker.name(), tracker);
		for (OriginStats origin : tracker.origins()) {
			origin.releasePlace();
		}
	}

	public Collection<SchedulerTracker> schedulers() {
		return Collections.unmodifiableCollection(this.schedulers.values());
	}

	/**
	 * Every origin of every scheduler.
	 * @return the origins, in no particular order
	 */
	public List<OriginStats> origins() {
		List<OriginStats> result = new ArrayList<>();
		this.schedulers.values().forEach((scheduler) -> result.addAll(scheduler.origins()));
		return result;
	}

	/**
	 * Move to a new epoch if the current one is at least {@code epochMillis} old, fold ended
	 * buckets, drop idle origins and close the trackers of schedulers that have terminated.
	 * This is the registry's maintenance, run by one background thread (the health sampler);
	 * readers never call it.
	 */
	public void advance() {
		long now = this.clock.getAsLong();
		if (now - this.epochStartMillis < this.epochMillis) {
			return;
		}
		synchronized (this) {
			if (now - this.epochStartMillis < this.epochMillis) {
				return;
			}
			this.epochStartMillis = now;
			int next = this.epoch + 1;
			this.epoch = next;
			this.schedulers.values().forEach((scheduler) -> scheduler.maintain(next, this.idleEpochs));
		}
	}

	boolean reserveOrigin() {
		for (;;) {
			int count = this.originCount.get();
			if (count >= this.maxOrigins) {
				return false;
			}
			if (this.originCount.compareAndSet(count, count + 1)) {
				return true;
			}
		}
	}

	void releaseOrigin() {
		this.originCount.decrementAndGet();
	}

	void overflowed(TaskOrigin origin) {
		this.overflowedTasks.increment();
		if (this.overflowReported.compareAndSet(false, true)) {
			logger.log(Level.WARNING, "timerwatch's origin table is full (" + this.maxOrigins + " origins): tasks from "
					+ origin.describe() + " and any other new origin are counted under '"
					+ TaskOrigin.overflow().describe() + "' until idle origins are dropped");
		}
	}

	/**
	 * How many origins the table holds, over all schedulers.
	 * @return the count
	 */
	public int originCount() {
		return this.originCount.get();
	}

	/**
	 * The most origins the table holds.
	 * @return the bound
	 */
	public int maxOrigins() {
		return this.maxOrigins;
	}

	/**
	 * How many tasks were counted under the overflow origin because the table was full.
	 * @return the count
	 */
	public long overflowedTasks() {
		return this.overflowedTasks.sum();
	}

	public void setObserver(TaskObserver observer) {
		this.observer = observer;
	}

	/**
	 * Add an observer to those already set.
	 * @param added the observer
	 */
	public synchronized void addObserver(TaskObserver added) {
		TaskObserver current = this.observer;
		this.observer = (current == TaskObserver.NONE) ? added : TaskObserver.both(current, added);
	}

	public TaskObserver observer() {
		return this.observer;
	}

	/**
	 * Tell the origin of tasks whose call site would name the framework that scheduled them
	 * rather than the application: a task that runs a method the application annotated to be
	 * scheduled (Spring's {@code @Scheduled} methods, on any executor). It is asked only about
	 * tasks of framework and JDK classes (those the call-site locator skips), before their
	 * call site is walked; what it throws is reported, and the call site is used.
	 * @param declaredOrigins the origin of such a task, or {@code null} to use its call site
	 */
	public void setDeclaredOrigins(Function<Object, @Nullable TaskOrigin> declaredOrigins) {
		this.declaredOrigins = declaredOrigins;
	}

	@Nullable TaskOrigin declaredOrigin(Object task) {
		Function<Object, @Nullable TaskOrigin> declaredOrigins = this.declaredOrigins;
		if (declaredOrigins == null) {
			return null;
		}
		try {
			return declaredOrigins.apply(task);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
			return null;
		}
	}

	LearnedOrigin learnedOrigin(Class<?> taskType) {
		return this.learnedOrigins.get(taskType);
	}

	CallSiteLocator locator() {
		return this.locator;
	}

	int epoch() {
		return this.epoch;
	}

	long epochMillis() {
		return this.epochMillis;
	}

	/**
	 * The registry's clock.
	 * @return epoch milliseconds
	 */
	public long currentTimeMillis() {
		return this.clock.getAsLong();
	}

}
