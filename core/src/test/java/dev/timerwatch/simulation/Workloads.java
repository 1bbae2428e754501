package dev.timerwatch.simulation;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import dev.timerwatch.simulation.Sources.Lifetime;
import dev.timerwatch.tracking.TaskKind;

import static dev.timerwatch.simulation.Sources.HOUR;
import static dev.timerwatch.simulation.Sources.MINUTE;
import static dev.timerwatch.simulation.Sources.SECOND;

/**
 * The healthy shapes of issue 13 and the levels leaks are hidden in.
 */
final class Workloads {

	private Workloads() {
	}

	/**
	 * A healthy workload of one origin.
	 *
	 * @param name what it is, with its pending level
	 * @param source its tasks, given the detector's window
	 */
	record Workload(String name, Function<Duration, Source> source) {

		Source sourceFor(Duration window) {
			return this.source.apply(window);
		}

	}

	static Workload oneShot(String name, double perSecond, Lifetime lifetime) {
		return new Workload(name, (window) -> Sources.poisson(TaskKind.ONCE, perSecond, lifetime));
	}

	/** Level 5: 0.17 tasks a second living an exponential 30 s. */
	static final Workload LEVEL_5 = oneShot("0.17/s, exponential 30 s (~5)", 1 / 6.0,
			Lifetime.exponential(30 * SECOND));

	/** Level 1,000: 2,000 tasks a second living 0.5 s. */
	static final Workload LEVEL_1000 = oneShot("2,000/s x 0.5 s fixed (~1,000)", 2000, Lifetime.fixed(500));

	/** Level 50,000: 1,000 tasks a second living an exponential 50 s. */
	static final Workload LEVEL_50000 = oneShot("1,000/s, exponential 50 s (~50,000)", 1000,
			Lifetime.exponential(50 * SECOND));

	/**
	 * Level 60 of periodic tasks: 0.5 a second, each cancelled after an exponential 2 minutes
	 * (a task per session, stopped when the session ends).
	 */
	static final Workload PERIODIC_60 = new Workload("periodic started and stopped, 0.5/s x exponential 2 min (~60)",
			(window) -> Sources.poisson(TaskKind.FIXED_RATE, 0.5, Lifetime.exponential(2 * MINUTE)));

	static List<Workload> healthy() {
		return List.of(oneShot("2/s, exponential 30 s (~60)", 2, Lifetime.exponential(30 * SECOND)), LEVEL_5,
				LEVEL_1000, oneShot("200/s x 0.3 s fixed (~60)", 200, Lifetime.fixed(300)), LEVEL_50000,
				oneShot("10/s, exponential 0.1 s (~1)", 10, Lifetime.exponential(100)),
				oneShot("28/s, exponential 30 min (~50,000)", 28, Lifetime.exponential(30 * MINUTE)),
				new Workload("1/s x 1.5 windows fixed", (window) -> Sources.poisson(TaskKind.ONCE, 1,
						Lifetime.fixed(window.toMillis() * 3 / 2))),
				new Workload("20/s, exponential 30 s, +-30% daily swing (~600)",
						(window) -> Sources.poisson(TaskKind.ONCE, Sources.dailySwing(20),
								Lifetime.exponential(30 * SECOND))),
				new Workload("20/s, exponential 30 s, 2-min bursts x10 (~600)",
						(window) -> Sources.poisson(TaskKind.ONCE, Sources.bursts(20), Lifetime.exponential(30 * SECOND))),
				new Workload("batch of 500 every 5 min, all fire (sawtooth)", (window) -> Sources.batches(500, 5 * MINUTE)),
				new Workload("100 periodic tasks started over the first 5 s",
						(window) -> Sources.stablePeriodic(100, 5 * SECOND)),
				PERIODIC_60,
				new Workload("one line, both kinds: periodic 0.5/s x exponential 2 min, one-shot 20/s x exponential 5 s (~160)",
						(window) -> Sources.both(Sources.poisson(TaskKind.FIXED_RATE, 0.5, Lifetime.exponential(2 * MINUTE)),
								Sources.poisson(TaskKind.ONCE, 20, Lifetime.exponential(5 * SECOND)))),
				new Workload("20/s, exponential 30 s, starting at 1 h, ramping over 10 min",
						(window) -> Sources.poisson(TaskKind.ONCE, Sources.rampFrom(HOUR, 20),
								Lifetime.exponential(30 * SECOND))));
	}

	/**
	 * Healthy workloads the detector cannot tell from a leak while they warm up, to measure
	 * what that costs.
	 * @return the workloads
	 */
	static List<Workload> limits() {
		return List.of(oneShot("1/s x 10 min fixed (~600)", 1, Lifetime.fixed(10 * MINUTE)),
				new Workload("100 periodic tasks started over the first 2 min",
						(window) -> Sources.stablePeriodic(100, 2 * MINUTE)),
				// Under delays=timeout, 30-second timeouts, and from 1 h on 15-minute ones too, from
				// one line: the 15-minute ones go to the long-delay lane.
				new Workload("one line, 20/s 30 s timeouts, from 1 h also 1/s 15 min timeouts, cancelled after exponential 5 s and 3 min (~280)",
						(window) -> Sources.both(Sources.poisson(TaskKind.ONCE, 20, Lifetime.exponential(5 * SECOND)),
								Sources.startingAt(HOUR,
										Sources.poisson(TaskKind.ONCE, 1, Lifetime.exponential(3 * MINUTE))))),
				// Likewise, but the later tasks all live 10 minutes (timeouts of 50 min): a lane of
				// its own whose every task outlives its horizon while it warms up.
				new Workload("one line, 20/s 30 s timeouts, from 1 h also 1/s 50 min timeouts, cancelled after 5 s exponential and 10 min fixed (~700)",
						(window) -> Sources.both(Sources.poisson(TaskKind.ONCE, 20, Lifetime.exponential(5 * SECOND)),
								Sources.startingAt(HOUR, Sources.poisson(TaskKind.ONCE, 1, Lifetime.fixed(10 * MINUTE))))));
	}

	/**
	 * A leak added to a healthy origin.
	 *
	 * @param name what leaks
	 * @param kind the leaked tasks' kind
	 * @param lifetime how long a leaked task lives
	 */
	record Leak(String name, TaskKind kind, Lifetime lifetime) {

		Source at(long startMillis, double perMinute) {
			return Sources.startingAt(startMillis, Sources.poisson(this.kind, perMinute / 60, this.lifetime));
		}

	}

	static List<Leak> leaks() {
		return List.of(new Leak("periodic, never cancelled", TaskKind.FIXED_RATE, Lifetime.never()),
				new Leak("one-shot, 1 h delay", TaskKind.ONCE, Lifetime.delay(HOUR)));
	}

}
