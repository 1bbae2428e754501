package dev.timerwatch.simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.function.Predicate;

import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.PendingBucket;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskOrigin;
import dev.timerwatch.tracking.TimerRegistry;
import dev.timerwatch.trend.LeakDetector;
import dev.timerwatch.trend.LeakReport;
import dev.timerwatch.trend.OriginVerdict;

/**
 * A service on a simulated clock: real {@link TimerRegistry}, {@link SchedulerTracker} and
 * tracked tasks, judged by the real {@link LeakDetector} exactly as the health sampler runs it,
 * one sample per interval, with the registry epoch the auto-configuration picks.
 *
 * <p>Time moves in steps of the sampling interval. Each step creates the tasks of its stretch
 * of time, ends those whose lifetime runs out within it, then moves the clock to the step's
 * end and takes a sample. A task that starts and ends within one step is never seen pending by
 * any reader, only counted as scheduled; so that simulated days of thousands of such tasks a
 * second take seconds, only the first {@value #SAME_STEP_TASKS} of them per step and origin
 * are created. Every figure the detector reads at a sample (pending tasks per creation epoch,
 * whether tasks of an epoch ended) is the same as with all of them.
 */
final class Simulation {

	static final int SAME_STEP_TASKS = 8;

	private static final long BASE_MILLIS = 1_800_000_000_000L;

	private static final int WHEEL = 1 << 13;

	private final long stepMillis;

	private final RandomGenerator random;

	private final SchedulerTracker scheduler;

	private final LeakDetector detector;

	private final List<TaskOrigin> origins = new ArrayList<>();

	private final List<Source> sources = new ArrayList<>();

	@SuppressWarnings("unchecked")
	private final List<SimulatedTask>[] wheel = new List[WHEEL];

	private final PriorityQueue<SimulatedTask> far = new PriorityQueue<>(
			(a, b) -> Long.compare(a.endTick, b.endTick));

	private final List<OriginVerdict> reported = new ArrayList<>();

	private long now = BASE_MILLIS;

	private Delays delays = Delays.NONE;

	private long step;

	Simulation(Duration interval, Duration window, long seed) {
		this.stepMillis = interval.toMillis();
		this.random = new SplittableRandom(seed);
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), () -> this.now,
				LeakDetector.epochMillisFor(interval, window));
		this.scheduler = registry.register("simulated", "Simulation");
		this.detector = new LeakDetector(registry, interval, window, 0.5, () -> this.now);
		for (int i = 0; i < WHEEL; i++) {
			this.wheel[i] = new ArrayList<>();
		}
	}

	/**
	 * Admit one-shot tasks with the delays of a model, instead of without.
	 * @param delays the model
	 * @return this simulation
	 */
	Simulation delays(Delays delays) {
		this.delays = delays;
		return this;
	}

	/**
	 * Add the tasks of a source to an origin.
	 * @param origin the line that schedules them
	 * @param source how they come and go
	 * @return this simulation
	 */
	Simulation add(TaskOrigin origin, Source source) {
		this.origins.add(origin);
		this.sources.add(source);
		return this;
	}

	/**
	 * Run until a simulated time, or until a sample's report satisfies a condition.
	 * @param untilMillis simulated time since the start
	 * @param stop checked after each sample
	 * @return the simulated time of the last sample
	 */
	long run(long untilMillis, Predicate<LeakReport> stop) {
		while ((this.step + 1) * this.stepMillis <= untilMillis) {
			long from = this.step * this.stepMillis;
			for (int i = 0; i < this.sources.size(); i++) {
				emit(this.origins.get(i), this.sources.get(i), from);
			}
			List<SimulatedTask> ending = this.wheel[(int) (this.step % WHEEL)];
			for (SimulatedTask task : ending) {
				task.end();
			}
			ending.clear();
			while (!this.far.isEmpty() && this.far.peek().endTick <= this.step) {
				this.far.poll().end();
			}
			this.step++;
			this.now = BASE_MILLIS + this.step * this.stepMillis;
			this.reported.addAll(this.detector.sample());
			if (stop.test(this.detector.report())) {
				break;
			}
		}
		return this.step * this.stepMillis;
	}

	/**
	 * The verdicts the detector returned to be logged, as the health sampler logs them.
	 * @return the verdicts, in the order returned
	 */
	List<OriginVerdict> reported() {
		return this.reported;
	}

	/**
	 * The simulated time of a report.
	 * @param report the report
	 * @return milliseconds since the start
	 */
	static long elapsed(LeakReport report) {
		return report.sampledAtMillis() - BASE_MILLIS;
	}

	private void emit(TaskOrigin origin, Source source, long from) {
		long end = from + this.stepMillis;
		int[] sameStep = new int[1];
		source.emit(from, this.stepMillis, this.random, (kind, created, drawn, timeout) -> {
			long lifetime = drawn;
			long delay = -1;
			if (!kind.isPeriodic() && this.delays != Delays.NONE) {
				if (this.delays == Delays.TIMEOUT && timeout > 0) {
					// A timeout: cancelled when its lifetime ends, or fired at its delay.
					delay = timeout;
					lifetime = Math.min(lifetime, timeout);
				}
				else {
					delay = lifetime;
				}
			}
			long ends = (lifetime == Source.NEVER) ? Source.NEVER : created + lifetime;
			if (ends < end && sameStep[0]++ >= SAME_STEP_TASKS) {
				return;
			}
			SimulatedTask task = new SimulatedTask(admit(origin, kind, delay), kind);
			if (ends < end) {
				task.end();
			}
			else if (ends != Source.NEVER) {
				schedule(task, ends / this.stepMillis);
			}
		});
	}

	private PendingBucket admit(TaskOrigin origin, TaskKind kind, long delayMillis) {
		return (delayMillis < 0) ? this.scheduler.admit(origin, kind)
				: this.scheduler.admit(origin, kind, -1, delayMillis * 1_000_000);
	}

	private void schedule(SimulatedTask task, long endStep) {
		task.endTick = endStep;
		if (endStep - this.step < WHEEL) {
			this.wheel[(int) (endStep % WHEEL)].add(task);
		}
		else {
			this.far.add(task);
		}
	}

	/**
	 * The delays one-shot tasks are admitted with.
	 */
	enum Delays {

		/** None: admitted as every scheduling path admits them today. */
		NONE,

		/** Each fires when its lifetime ends: its delay is its lifetime. */
		FIRE,

		/**
		 * The healthy tasks of a source with a timeout ({@link Sources.Lifetime#timeoutMillis()})
		 * are timeouts of that fixed delay, cancelled when their lifetime ends (or fired at
		 * the delay, if they live that long); other one-shot tasks fire, as with {@link #FIRE}.
		 */
		TIMEOUT

	}

}
