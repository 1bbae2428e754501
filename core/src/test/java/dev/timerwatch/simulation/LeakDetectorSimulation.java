package dev.timerwatch.simulation;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import dev.timerwatch.simulation.Workloads.Leak;
import dev.timerwatch.simulation.Workloads.Workload;
import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TaskOrigin;
import dev.timerwatch.trend.OriginVerdict;

import static dev.timerwatch.simulation.Sources.DAY;
import static dev.timerwatch.simulation.Sources.HOUR;
import static dev.timerwatch.simulation.Sources.MINUTE;

/**
 * Measures the leak detector: false alarms per simulated day on every healthy workload, and
 * how long leaks take to be found (and the median horizon the detector had then), at the default windows (10 s / 5 min) and at short ones
 * (2 s / 30 s). Prints the tables README.md shows. Run by hand (see benchmarks/README.md);
 * it takes minutes, so it is no test.
 *
 * <p>Arguments: {@code days=30} simulated days per healthy workload and setting, run as
 * five-day lives of the service (each starting cold); {@code seeds=20} runs per leak cell;
 * {@code part=all|healthy|leaks}; {@code only=a;b} runs only the healthy workloads whose
 * name contains one of the texts; {@code firstLife=n} seeds the lives from the n-th on, to
 * extend an earlier run with new days; {@code leaks=text} runs only the leaks whose name
 * contains the text, {@code levels=5;1,000} only the levels named; {@code delays=none|fire|timeout}
 * admits one-shot tasks without a delay (as today), with their lifetime as their delay, or
 * as timeouts of a fixed delay (see {@link Simulation.Delays}). With
 * {@code -Dtimerwatch.simulation.debug=true} every alarm is printed with its evidence.
 */
public final class LeakDetectorSimulation {

	static final TaskOrigin ORIGIN = TaskOrigin.callSite("com.example.Service", "call", "Service.java", 42);

	private static final long LIFE = 5 * DAY;

	/** Leaks start after the service has run this long, plus up to ten minutes. */
	static final long LEAK_START = HOUR;

	/** A leak not found within this long is missed. */
	static final long GIVE_UP = 12 * HOUR;

	private static final List<Setting> SETTINGS = List.of(new Setting(Duration.ofSeconds(10), Duration.ofMinutes(5)),
			new Setting(Duration.ofSeconds(2), Duration.ofSeconds(30)));

	private LeakDetectorSimulation() {
	}

	public static void main(String[] args) {
		int days = 30;
		int seeds = 20;
		String part = "all";
		String only = "";
		int firstLife = 0;
		String leaks = "";
		String levels = "";
		Simulation.Delays delays = Simulation.Delays.NONE;
		for (String arg : args) {
			String[] pair = arg.split("=", 2);
			switch (pair[0]) {
				case "days" -> days = Integer.parseInt(pair[1]);
				case "seeds" -> seeds = Integer.parseInt(pair[1]);
				case "part" -> part = pair[1];
				case "only" -> only = pair[1];
				case "firstLife" -> firstLife = Integer.parseInt(pair[1]);
				case "leaks" -> leaks = pair[1];
				case "levels" -> levels = pair[1];
				case "delays" -> delays = Simulation.Delays.valueOf(pair[1].toUpperCase(Locale.ROOT));
				default -> throw new IllegalArgumentException("unknown argument " + arg);
			}
		}
		long started = System.nanoTime();
		if (!part.equals("leaks")) {
			printHealthy(days, only, firstLife, delays);
		}
		if (!part.equals("healthy")) {
			printLeaks(seeds, leaks, levels, delays);
		}
		System.out.printf(Locale.ROOT, "%n(%d simulated days per healthy workload and setting, %d seeds per leak cell, "
				+ "delays %s, %.0f s)%n", days, seeds, delays, (System.nanoTime() - started) / 1e9);
	}

	private static void printHealthy(int days, String only, int firstLife, Simulation.Delays delays) {
		System.out.printf("| healthy workload (pending level) | alarms per day, 10 s / 5 min | share LEAKING "
				+ "| alarms per day, 2 s / 30 s | share LEAKING |%n| --- | --- | --- | --- | --- |%n");
		List<Workload> workloads = new java.util.ArrayList<>(Workloads.healthy());
		workloads.addAll(Workloads.limits());
		for (Workload workload : workloads) {
			if (Arrays.stream(only.split(";")).noneMatch(workload.name()::contains)) {
				continue;
			}
			StringBuilder row = new StringBuilder("| " + workload.name() + " |");
			for (Setting setting : SETTINGS) {
				Alarms alarms = new Alarms();
				long remaining = days * DAY;
				for (int life = 0; remaining > 0; life++) {
					long length = Math.min(LIFE, remaining);
					alarms.add(healthyLife(workload, setting, 1000 + firstLife + life, length, delays));
					remaining -= length;
				}
				if (alarms.first != null) {
					System.err.println(workload.name() + ", " + setting + ": first alarm " + alarms.first);
				}
				if (alarms.longDelayTasks > 0) {
					System.err.println(workload.name() + ", " + setting + ": " + alarms.longDelayTasks
							+ " healthy tasks sent to the long-delay lane in " + days + " days");
				}
				row.append(String.format(Locale.ROOT, " %s (%d in %d days) | %.3f%% |", perDay(alarms.count, days),
						alarms.count, days, 100.0 * alarms.leakingMillis / (days * DAY)));
			}
			System.out.println(row);
			System.out.flush();
		}
		System.out.println();
	}

	static Alarms healthyLife(Workload workload, Setting setting, long seed, long length) {
		return healthyLife(workload, setting, seed, length, Simulation.Delays.NONE);
	}

	static Alarms healthyLife(Workload workload, Setting setting, long seed, long length, Simulation.Delays delays) {
		Alarms alarms = new Alarms();
		Simulation simulation = new Simulation(setting.interval(), setting.window(), seed).delays(delays)
			.add(ORIGIN, workload.sourceFor(setting.window()));
		OriginStats[] last = new OriginStats[1];
		long[] lastLongDelays = new long[1];
		simulation.run(length, (report) -> {
			for (OriginVerdict verdict : report.verdicts()) {
				if (verdict.origin() != last[0]) {
					// A new origin (the last one went idle and was dropped): count the last's.
					alarms.longDelayTasks += lastLongDelays[0];
					last[0] = verdict.origin();
				}
				lastLongDelays[0] = verdict.origin().longDelayAdmitted();
				if (verdict.isLeaking()) {
					alarms.leakingMillis += setting.interval().toMillis();
					if (verdict.leakingSinceMillis() == report.sampledAtMillis()) {
						alarms.count++;
						if (Boolean.getBoolean("timerwatch.simulation.debug")) {
							System.err.printf(Locale.ROOT, "  alarm at %.2f h: %s%n", Simulation.elapsed(report) / 3.6e6,
									verdict.evidence());
						}
						if (alarms.first == null) {
							alarms.first = String.format(Locale.ROOT, "at %.1f h: %s", Simulation.elapsed(report) / 3.6e6,
									verdict.evidence());
						}
					}
				}
			}
			return false;
		});
		alarms.longDelayTasks += lastLongDelays[0];
		return alarms;
	}

	private static void printLeaks(int seeds, String leakNames, String onlyLevels, Simulation.Delays delays) {
		System.out.printf("| leak | level | per minute | 10 s / 5 min: median | p95 | missed | horizon "
				+ "| 2 s / 30 s: median | p95 | missed | horizon |%n"
				+ "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |%n");
		List<Workload> levels = List.of(Workloads.LEVEL_5, Workloads.LEVEL_1000, Workloads.LEVEL_50000,
				Workloads.PERIODIC_60);
		String[] levelNames = { "5", "1,000", "50,000", "periodic 60" };
		int earlyAlarms = 0;
		for (Leak leak : Workloads.leaks()) {
			if (!leak.name().contains(leakNames)) {
				continue;
			}
			for (int level = 0; level < levels.size(); level++) {
				if (!onlyLevels.isEmpty() && Arrays.stream(onlyLevels.split(";")).noneMatch(levelNames[level]::equals)) {
					continue;
				}
				for (double perMinute : new double[] { 1, 10, 100 }) {
					StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %s | %.0f |", leak.name(),
							levelNames[level], perMinute));
					for (Setting setting : SETTINGS) {
						long[] latencies = new long[seeds];
						long[] horizons = new long[seeds];
						for (int seed = 0; seed < seeds; seed++) {
							Detection detection = detect(levels.get(level), leak, perMinute, setting, seed, delays);
							latencies[seed] = detection.latencyMillis;
							horizons[seed] = detection.horizonMillis;
							earlyAlarms += detection.earlyAlarms;
						}
						Arrays.sort(horizons);
						row.append(latencyCells(latencies, setting.window()))
							.append(String.format(Locale.ROOT, " %.1f min |", horizons[(seeds - 1) / 2] / 60_000.0));
					}
					System.out.println(row);
					System.out.flush();
				}
			}
		}
		System.out.println();
		System.out.println("Alarms before any leak started, in all leak runs: " + earlyAlarms);
	}

	static Detection detect(Workload level, Leak leak, double perMinute, Setting setting, long seed) {
		return detect(level, leak, perMinute, setting, seed, Simulation.Delays.NONE);
	}

	static Detection detect(Workload level, Leak leak, double perMinute, Setting setting, long seed,
			Simulation.Delays delays) {
		long start = LEAK_START + new Random(seed).nextInt(10) * MINUTE;
		Simulation simulation = new Simulation(setting.interval(), setting.window(), seed).delays(delays)
			.add(ORIGIN, level.sourceFor(setting.window()))
			.add(ORIGIN, leak.at(start, perMinute));
		Detection detection = new Detection();
		simulation.run(start + GIVE_UP, (report) -> {
			if (report.leaking().isEmpty()) {
				return false;
			}
			long elapsed = Simulation.elapsed(report);
			if (elapsed <= start) {
				if (report.leaking().get(0).leakingSinceMillis() == report.sampledAtMillis()) {
					detection.earlyAlarms++;
				}
				return false;
			}
			detection.latencyMillis = elapsed - start;
			detection.horizonMillis = report.leaking().get(0).horizonMillis();
			detection.longDelayLane = report.leaking().get(0).longDelayTasks();
			return true;
		});
		return detection;
	}

	private static String latencyCells(long[] latencies, Duration window) {
		long[] sorted = latencies.clone();
		Arrays.sort(sorted);
		long missed = Arrays.stream(sorted).filter((latency) -> latency < 0).count();
		long[] found = Arrays.stream(sorted).filter((latency) -> latency >= 0).toArray();
		if (found.length == 0) {
			return " - | - | 100% |";
		}
		// Misses sort last: a p95 among misses is no figure.
		long median = (missed * 2 >= sorted.length) ? -1 : found[(sorted.length - 1) / 2];
		int p95Index = (int) Math.ceil(0.95 * sorted.length) - 1;
		long p95 = (p95Index < found.length) ? found[p95Index] : -1;
		return String.format(Locale.ROOT, " %s | %s | %.0f%% |", minutes(median, window), minutes(p95, window),
				100.0 * missed / sorted.length);
	}

	private static String minutes(long millis, Duration window) {
		if (millis < 0) {
			return "missed";
		}
		return String.format(Locale.ROOT, "%.1f min (%.1f w)", millis / 60_000.0, millis / (double) window.toMillis());
	}

	private static String perDay(long count, int days) {
		return String.format(Locale.ROOT, "%.2f", count / (double) days);
	}

	record Setting(Duration interval, Duration window) {

	}

	static final class Alarms {

		long count;

		long leakingMillis;

		long longDelayTasks;

		String first;

		void add(Alarms other) {
			this.count += other.count;
			this.longDelayTasks += other.longDelayTasks;
			this.leakingMillis += other.leakingMillis;
			if (this.first == null) {
				this.first = other.first;
			}
		}

	}

	static final class Detection {

		long latencyMillis = -1;

		long horizonMillis = -1;

		boolean longDelayLane;

		int earlyAlarms;

	}


}
