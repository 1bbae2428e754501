package dev.timerwatch.simulation;

import java.util.random.RandomGenerator;
import java.util.function.LongToDoubleFunction;

import dev.timerwatch.tracking.TaskKind;

/**
 * The shapes of traffic the simulation is run on.
 */
final class Sources {

	static final long SECOND = 1_000;

	static final long MINUTE = 60 * SECOND;

	static final long HOUR = 60 * MINUTE;

	static final long DAY = 24 * HOUR;

	private Sources() {
	}

	/**
	 * How long a task lives, drawn per task, and the delay it is given when it is a timeout.
	 */
	interface Lifetime {

		long draw(RandomGenerator random);

		/**
		 * The fixed delay of these tasks when each is a timeout, cancelled at the end of its
		 * lifetime (or fired at the delay, if it lives that long): five times the mean
		 * lifetime, and at least 30 s.
		 * @return milliseconds, or -1 if each task fires at the end of its lifetime
		 */
		default long timeoutMillis() {
			return -1;
		}

		static Lifetime fixed(long millis) {
			return timeout((random) -> millis, millis);
		}

		static Lifetime exponential(long meanMillis) {
			return timeout((random) -> Math.round(-meanMillis * Math.log(1 - random.nextDouble())), meanMillis);
		}

		/** A task that fires when its delay runs out, whatever the delay model. */
		static Lifetime delay(long millis) {
			return (random) -> millis;
		}

		static Lifetime never() {
			return (random) -> Source.NEVER;
		}

		private static Lifetime timeout(Lifetime lifetime, long meanMillis) {
			long timeout = Math.max(30 * SECOND, 5 * meanMillis);
			return new Lifetime() {

				@Override
				public long draw(RandomGenerator random) {
					return lifetime.draw(random);
				}

				@Override
				public long timeoutMillis() {
					return timeout;
				}

			};
		}

	}

	/**
	 * Tasks created at random (a Poisson process) at a rate that may change with time.
	 * @param kind their kind
	 * @param perSecond the rate at a given simulated time, tasks per second
	 * @param lifetime how long each lives
	 * @return the source
	 */
	static Source poisson(TaskKind kind, LongToDoubleFunction perSecond, Lifetime lifetime) {
		return (from, length, random, sink) -> {
			double mean = perSecond.applyAsDouble(from) * length / 1000.0;
			long count = poissonCount(mean, random);
			for (long i = 0; i < count; i++) {
				sink.task(kind, from + (long) (random.nextDouble() * length), lifetime.draw(random),
						lifetime.timeoutMillis());
			}
		};
	}

	static Source poisson(TaskKind kind, double perSecond, Lifetime lifetime) {
		return poisson(kind, (time) -> perSecond, lifetime);
	}

	/**
	 * A batch of tasks every period, each with a delay drawn up to the period, all of which fire.
	 */
	static Source batches(int size, long periodMillis) {
		return (from, length, random, sink) -> {
			long next = ((from + periodMillis - 1) / periodMillis) * periodMillis;
			for (long at = next; at < from + length; at += periodMillis) {
				for (int i = 0; i < size; i++) {
					sink.task(TaskKind.ONCE, at, (long) (random.nextDouble() * periodMillis), -1);
				}
			}
		};
	}

	/**
	 * Periodic tasks that are never cancelled, created one after another over a stretch of time.
	 */
	static Source stablePeriodic(int count, long overMillis) {
		return (from, length, random, sink) -> {
			for (int i = 0; i < count; i++) {
				long at = i * overMillis / count;
				if (at >= from && at < from + length) {
					sink.task(TaskKind.FIXED_RATE, at, Source.NEVER, -1);
				}
			}
		};
	}

	/**
	 * The tasks of two sources, on one origin.
	 */
	static Source both(Source first, Source second) {
		return (from, length, random, sink) -> {
			first.emit(from, length, random, sink);
			second.emit(from, length, random, sink);
		};
	}

	/**
	 * The source, but only from a time on.
	 */
	static Source startingAt(long startMillis, Source source) {
		return (from, length, random, sink) -> {
			if (from + length > startMillis) {
				long start = Math.max(from, startMillis);
				source.emit(start, from + length - start, random, sink);
			}
		};
	}

	/** A rate that swings by 30% either way over a day. */
	static LongToDoubleFunction dailySwing(double perSecond) {
		return (time) -> perSecond * (1 + 0.3 * Math.sin(2 * Math.PI * time / DAY));
	}

	/** A rate with a two-minute burst of ten times the traffic every six hours. */
	static LongToDoubleFunction bursts(double perSecond) {
		return (time) -> ((time % (6 * HOUR)) >= 3 * HOUR && (time % (6 * HOUR)) < 3 * HOUR + 2 * MINUTE)
				? 10 * perSecond : perSecond;
	}

	/** No traffic until a time, then a rate that rises to its level over ten minutes. */
	static LongToDoubleFunction rampFrom(long startMillis, double perSecond) {
		return (time) -> (time < startMillis) ? 0 : perSecond * Math.min(1, (time - startMillis) / (10.0 * MINUTE));
	}

	private static long poissonCount(double mean, RandomGenerator random) {
		if (mean <= 0) {
			return 0;
		}
		if (mean > 50) {
			return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
		}
		double limit = Math.exp(-mean);
		double product = random.nextDouble();
		long count = 0;
		while (product > limit) {
			product *= random.nextDouble();
			count++;
		}
		return count;
	}

}
