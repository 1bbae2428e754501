package dev.timerwatch.tracking;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * All tracked schedulers of one application, and the clock that dates their pending tasks.
 *
 * <p>Tasks are dated by epoch, not by reading the clock on every {@code schedule} call: the
 * epoch moves on when {@link #advance()} is called (by the health sampler, and before each
 * read) at least {@code epochMillis} after the last move, so a task's creation time is known
 * to that resolution.
 */
public final class TimerRegistry {

	private final CallSiteLocator locator;

	private final LongSupplier clock;

	private final long epochMillis;

	private final ConcurrentHashMap<String, SchedulerTracker> schedulers = new ConcurrentHashMap<>();

	private volatile int epoch;

	private volatile long epochStartMillis;

	private volatile TaskObserver observer = TaskObserver.NONE;

	// One per registry, not per scheduler: a JVM with many ClassValues for one class falls
	// back to a slow, synchronized lookup.
	private final ClassValue<LearnedOrigin> learnedOrigins = new ClassValue<>() {
		@Override
		protected LearnedOrigin computeValue(Class<?> type) {
			return new LearnedOrigin(TimerRegistry.this.locator.isExcluded(type.getName()));
		}
	};

	/**
	 * A registry with the default call-site locator, the system clock and ten-second epochs.
	 */
	public TimerRegistry() {
		this(CallSiteLocator.withDefaults(), System::currentTimeMillis, 10_000);
	}

	/**
	 * Create a registry.
	 * @param locator finds the call site of new tasks
	 * @param clock epoch milliseconds
	 * @param epochMillis the resolution of task creation times
	 */
	public TimerRegistry(CallSiteLocator locator, LongSupplier clock, long epochMillis) {
		if (epochMillis <= 0) {
			throw new IllegalArgumentException("epochMillis must be positive, was " + epochMillis);
		}
		this.locator = locator;
		this.clock = clock;
		this.epochMillis = epochMillis;
		this.epochStartMillis = clock.getAsLong();
	}

	/**
	 * Start tracking a scheduler. A scheduler registered under a name already in use
	 * replaces the earlier one.
	 * @param name the scheduler's name
	 * @param type the scheduler's type
	 * @return its tracker
	 */
	public SchedulerTracker register(String name, String type) {
		SchedulerTracker tracker = new SchedulerTracker(this, name, type);
		this.schedulers.put(name, tracker);
		return tracker;
	}

	void unregister(SchedulerTracker tracker) {
		this.schedulers.remove(tracker.name(), tracker);
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
	 * Move to a new epoch if the current one is at least {@code epochMillis} old, and drop
	 * drained buckets.
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
			this.schedulers.values().forEach((scheduler) -> scheduler.prune(next));
		}
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

	LearnedOrigin learnedOrigin(Class<?> taskType) {
		return this.learnedOrigins.get(taskType);
	}

	CallSiteLocator locator() {
		return this.locator;
	}

	int epoch() {
		return this.epoch;
	}

	/**
	 * The registry's clock.
	 * @return epoch milliseconds
	 */
	public long currentTimeMillis() {
		return this.clock.getAsLong();
	}

}
