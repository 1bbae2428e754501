package dev.timerwatch.misuse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskObserver;
import dev.timerwatch.tracking.TimerRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Finds scheduling misuse from what tracking already records: starvation as runs start,
 * overruns and a fixed delay's hot loop as they end, the rest at each {@link #check()} (run by
 * the health sampler). On a task's thread a run costs a few comparisons and an entry in the
 * table of running threads (for stuck runs). Each finding is reported once per origin and type.
 */
public final class MisuseDetector implements TaskObserver {

	// Short cycles in a row after the warm-up, with none longer, that make a fixed delay a
	// hot loop.
	static final int HOT_CYCLES = 20;

	private final TimerRegistry registry;

	private final long hotLoopNanos;

	private final int repeatedFailures;

	private final LongSupplier clock;

	private final long starvationNanos;

	private final long stuckMinNanos;

	private final Map<String, Misuse> findings = new ConcurrentHashMap<>();

	// The run each thread is in, for stuck runs.
	private final Map<Thread, Run> running = new ConcurrentHashMap<>();

	// Each scheduler's last long run, to name the hog when another run starts late. What it
	// keeps is words, not the origin: a scheduler that terminates must not stay reachable from
	// here. Names of schedulers no longer registered are dropped at each check.
	private final Map<String, LongRun> lastLongRuns = new ConcurrentHashMap<>();

	private volatile Consumer<Misuse> onNewFinding = (misuse) -> {
	};

	/**
	 * Create a detector.
	 * @param registry the registry whose origins to check
	 * @param hotLoopThreshold periods below this are hot loops
	 * @param repeatedFailures how many failed runs in a row are a repeated failure
	 * @param clock epoch milliseconds
	 */
	public MisuseDetector(TimerRegistry registry, Duration hotLoopThreshold, int repeatedFailures, LongSupplier clock) {
		this(registry, hotLoopThreshold, repeatedFailures, Duration.ofSeconds(1), Duration.ofSeconds(1), clock);
	}

	/**
	 * Create a detector.
	 * @param registry the registry whose origins to check
	 * @param hotLoopThreshold periods below this are hot loops
	 * @param repeatedFailures how many failed runs in a row are a repeated failure
	 * @param starvationThreshold runs starting later than this against their plan are starved
	 * @param stuckThreshold the least time a periodic run must take to be stuck (at least five
	 * periods in any case)
	 * @param clock epoch milliseconds
	 */
	public MisuseDetector(TimerRegistry registry, Duration hotLoopThreshold, int repeatedFailures,
			Duration starvationThreshold, Duration stuckThreshold, LongSupplier clock) {
		this.registry = registry;
		this.hotLoopNanos = hotLoopThreshold.toNanos();
		this.repeatedFailures = repeatedFailures;
		this.starvationNanos = starvationThreshold.toNanos();
		this.stuckMinNanos = stuckThreshold.toNanos();
		this.clock = clock;
	}

	@Override
	public void runStarted(OriginStats origin, long lagNanos) {
		long now = System.nanoTime();
		this.running.put(Thread.currentThread(), new Run(origin, now));
		if (lagNanos > this.starvationNanos) {
			// The last long run names the hog only if it ended after this run was due.
			LongRun hog = this.lastLongRuns.get(origin.schedulerName());
			if (hog != null && hog.endNanos() - (now - lagNanos) < 0) {
				hog = null;
			}
			if (origin.hasKind(TaskKind.FIXED_RATE) && (origin.lastRunOverran()
					|| (hog != null && hog.originId().equals(origin.id())))) {
				// A fixed-rate task late by its own doing (its last run overran, or it held the
				// thread while this run was due, and its runs catch up): an overrun.
				return;
			}
			String evidence = "a run started " + millis(lagNanos) + " late"
					+ ((hog != null) ? ", after " + hog.origin() + " held a thread for " + millis(hog.nanos()) : "");
			report(MisuseType.STARVATION, origin, evidence);
		}
	}

	/**
	 * Where new findings go (a logger and a meter, in a Spring application).
	 * @param onNewFinding the consumer
	 */
	public void onNewFinding(Consumer<Misuse> onNewFinding) {
		this.onNewFinding = onNewFinding;
	}

	@Override
	public void runFinished(OriginStats origin, long durationNanos, @Nullable Throwable failure) {
		this.running.remove(Thread.currentThread());
		if (durationNanos > this.starvationNanos) {
			this.lastLongRuns.put(origin.schedulerName(),
					new LongRun(origin.id(), origin.origin().describe(), durationNanos, System.nanoTime()));
		}
		long period = origin.periodNanos();
		if (period <= 0) {
			return;
		}
		if (origin.isFixedDelayOnly()) {
			// The next run starts a delay after this one ends: runs never overlap nor bunch up,
			// and the loop is hot only if delay and run together are short, cycle after cycle.
			// (Compared without adding: a delay of Long.MAX_VALUE, "run once", must not wrap.)
			boolean hot = durationNanos < this.hotLoopNanos - period;
			if (origin.noteFixedDelayCycle(hot) >= HOT_CYCLES) {
				report(MisuseType.HOT_LOOP, origin, "runs every " + millis(period + durationNanos) + " (a delay of "
						+ millis(period) + " after each run, " + HOT_CYCLES + " cycles in a row; threshold "
						+ millis(this.hotLoopNanos) + ")");
			}
			return;
		}
		boolean overran = durationNanos > period;
		origin.noteRunOverran(overran);
		if (overran) {
			report(MisuseType.OVERRUN, origin, String.format(Locale.ROOT, "a run took %s, longer than its period of %s",
					millis(durationNanos), millis(period)));
		}
	}

	/**
	 * Check every origin for the misuses that are a matter of state, not of one run.
	 */
	public void check() {
		check(List.of());
	}

	/**
	 * Check every origin for the misuses that are a matter of state, not of one run.
	 * @param leaking the origins whose pending count keeps growing, to find periodic tasks
	 * that schedule new tasks on each run
	 */
	public void check(List<OriginStats> leaking) {
		forgetWhatIsGone();
		long now = System.nanoTime();
		for (Run run : this.running.values()) {
			long period = run.origin().periodNanos();
			// Saturated: a period of centuries ("never") must not wrap to a negative limit.
			long limit = Math.max(this.stuckMinNanos, (period > Long.MAX_VALUE / 5) ? Long.MAX_VALUE : 5 * period);
			if (period > 0 && now - run.startNanos() > limit) {
				report(MisuseType.STUCK, run.origin(), "a run has not returned after " + millis(now - run.startNanos())
						+ ", " + ((now - run.startNanos()) / period) + " periods of " + millis(period));
			}
		}
		for (OriginStats child : leaking) {
			if (child.kinds().contains(TaskKind.THREAD)) {
				// Threads left behind are their own leak report, with their own fix.
				continue;
			}
			OriginStats parent = periodicParentOf(child);
			if (parent != null) {
				report(MisuseType.SCHEDULES_PER_RUN, parent, "its runs schedule tasks at " + child.origin().describe()
						+ " that stay pending (" + child.pending() + " now)");
			}
		}
		countInstancesOfNonSingletons();
		for (OriginStats origin : this.registry.origins()) {
			boolean periodic = origin.kinds().stream().anyMatch(TaskKind::isPeriodic);
			long period = origin.periodNanos();
			// A fixed delay's loop is judged as its runs end, with their durations.
			if (period > 0 && period < this.hotLoopNanos && !origin.isFixedDelayOnly()) {
				report(MisuseType.HOT_LOOP, origin, "runs every " + millis(period) + " (threshold "
						+ millis(this.hotLoopNanos) + ")");
			}
			if (periodic && origin.failed() > 0 && !origin.origin().isScheduledMethod()) {
				report(MisuseType.SILENT_DEATH, origin, origin.failed() + " periodic task(s) stopped for ever after "
						+ "throwing " + origin.lastFailureType(), origin.lastFailure());
			}
			// Runs of one periodic task, which its scheduler runs again: failed one-shot tasks
			// of one line are as many tasks, each failing once.
			if (periodic && origin.consecutiveFailedRuns() >= this.repeatedFailures) {
				report(MisuseType.REPEATED_FAILURE, origin, origin.consecutiveFailedRuns()
						+ " runs in a row failed, the last with " + origin.lastFailureType(), origin.lastFailure());
			}
		}
	}

	// A thread that died in a run (its end never reported) and a scheduler that terminated
	// must not stay reachable from the detector's tables.
	private void forgetWhatIsGone() {
		this.running.keySet().removeIf((thread) -> !thread.isAlive());
		Set<String> registered = new HashSet<>();
		for (SchedulerTracker scheduler : this.registry.schedulers()) {
			registered.add(scheduler.name());
		}
		this.lastLongRuns.keySet().retainAll(registered);
	}

	// Each instance of a non-singleton bean schedules its @Scheduled methods once more.
	private void countInstancesOfNonSingletons() {
		this.findings.replaceAll((key, misuse) -> {
			if (misuse.type() != MisuseType.NON_SINGLETON) {
				return misuse;
			}
			long instances = this.registry.origins()
				.stream()
				.filter((origin) -> origin.origin().describe().equals(misuse.origin()))
				.mapToLong(OriginStats::scheduled)
				.sum();
			String base = misuse.evidence().replaceFirst("; \\d+ instances? scheduled it so far$", "");
			return new Misuse(misuse.type(), misuse.originId(), misuse.origin(), misuse.scheduler(),
					base + "; " + instances + ((instances == 1) ? " instance" : " instances") + " scheduled it so far",
					misuse.failure(), misuse.detectedAtMillis());
		});
	}

	/**
	 * The periodic origin whose run created the first task of the given origin: a frame of the
	 * creating stack is the scheduled method itself, or a lambda written in the method that
	 * scheduled the periodic task.
	 */
	private @Nullable OriginStats periodicParentOf(OriginStats child) {
		for (OriginStats candidate : this.registry.origins()) {
			if (candidate == child || candidate.kinds().stream().noneMatch(TaskKind::isPeriodic)) {
				continue;
			}
			String className = candidate.origin().getClassName();
			String method = candidate.origin().getMethodName();
			for (StackTraceElement frame : child.creationStack()) {
				if (frame.getClassName().equals(className) && (candidate.origin().isScheduledMethod()
						? frame.getMethodName().equals(method) : frame.getMethodName().startsWith("lambda$" + method + "$"))) {
					return candidate;
				}
			}
		}
		return null;
	}

	/**
	 * Record a finding found elsewhere (the scope of a bean, say).
	 * @param misuse the finding
	 */
	public void report(Misuse misuse) {
		String key = misuse.type() + "|" + (misuse.originId().isEmpty() ? misuse.origin() : misuse.originId());
		if (this.findings.putIfAbsent(key, misuse) == null) {
			this.onNewFinding.accept(misuse);
		}
	}

	private void report(MisuseType type, OriginStats origin, String evidence) {
		report(type, origin, evidence, null);
	}

	private void report(MisuseType type, OriginStats origin, String evidence, @Nullable String failure) {
		String key = type + "|" + origin.id();
		if (!this.findings.containsKey(key)) {
			report(new Misuse(type, origin.id(), origin.origin().describe(), origin.schedulerName(), evidence,
					failure, this.clock.getAsLong()));
		}
	}

	/**
	 * How many findings of a type there are.
	 * @param type the type
	 * @return the count
	 */
	public long count(MisuseType type) {
		return this.findings.values().stream().filter((misuse) -> misuse.type() == type).count();
	}

	/**
	 * Every finding so far, oldest first.
	 * @return the findings
	 */
	public List<Misuse> findings() {
		List<Misuse> result = new ArrayList<>(this.findings.values());
		result.sort(Comparator.comparingLong(Misuse::detectedAtMillis).thenComparing(Misuse::origin));
		return result;
	}

	private record Run(OriginStats origin, long startNanos) {
	}

	private record LongRun(String originId, String origin, long nanos, long endNanos) {
	}

	private static String millis(long nanos) {
		return (nanos >= 1_000_000) ? (nanos / 1_000_000) + " ms" : String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
	}

}
