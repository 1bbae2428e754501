package dev.timerwatch.endpoint;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import dev.timerwatch.endpoint.OriginDetailDescriptor.SampleDescriptor;
import dev.timerwatch.endpoint.OriginDetailDescriptor.TaskDescriptor;
import dev.timerwatch.endpoint.TimersDescriptor.MisuseDescriptor;
import dev.timerwatch.endpoint.TimersDescriptor.SchedulerDescriptor;
import dev.timerwatch.endpoint.TimersDescriptor.Summary;
import dev.timerwatch.misuse.Misuse;
import dev.timerwatch.threads.ThreadLeakTracker.ThreadsSeen;
import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.SchedulerProbe;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TimerRegistry;
import dev.timerwatch.tracking.TrackedTask;
import dev.timerwatch.trend.LeakDetector;
import dev.timerwatch.trend.LeakHints;
import dev.timerwatch.trend.LeakReport;
import dev.timerwatch.trend.OriginVerdict;
import dev.timerwatch.trend.Trend;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@link Endpoint @Endpoint} to expose pending scheduled tasks grouped by origin. A read
 * costs time in the number of origins, not of tasks: every figure is kept per origin.
 */
@Endpoint(id = "timers")
public class TimersEndpoint {

	private static final int DEFAULT_LIMIT = 50;

	// A bound on the body one request can ask for: each origin is about half a kilobyte of JSON.
	private static final int MAX_LIMIT = 1_000;

	private static final int OLDEST_PENDING_SAMPLE = 10;

	private static final int THREAD_NAMES = 10;

	private final TimerRegistry registry;

	private final LeakDetector detector;

	private final Show showDetails;

	private final Set<String> roles;

	private final LongSupplier clock;

	private final Supplier<List<Misuse>> misuses;

	private final IntFunction<Map<OriginStats, ThreadsSeen>> threads;

	public TimersEndpoint(TimerRegistry registry, LeakDetector detector, Show showDetails, Set<String> roles) {
		this(registry, detector, showDetails, roles, List::of, (max) -> Map.of(), registry::currentTimeMillis);
	}

	public TimersEndpoint(TimerRegistry registry, LeakDetector detector, Show showDetails, Set<String> roles,
			Supplier<List<Misuse>> misuses) {
		this(registry, detector, showDetails, roles, misuses, (max) -> Map.of(), registry::currentTimeMillis);
	}

	/**
	 * Create the endpoint.
	 * @param registry the tracked schedulers
	 * @param detector the leak detector, read for its last sample
	 * @param showDetails when to show creation stacks
	 * @param roles roles that may see them when authorized
	 * @param misuses the misuse findings so far
	 * @param threads the live threads of each origin of kind {@code thread}, with at most the given
	 * number of names each ({@link dev.timerwatch.threads.ThreadLeakTracker#threadsByOrigin})
	 */
	public TimersEndpoint(TimerRegistry registry, LeakDetector detector, Show showDetails, Set<String> roles,
			Supplier<List<Misuse>> misuses, IntFunction<Map<OriginStats, ThreadsSeen>> threads) {
		this(registry, detector, showDetails, roles, misuses, threads, registry::currentTimeMillis);
	}

	TimersEndpoint(TimerRegistry registry, LeakDetector detector, Show showDetails, Set<String> roles,
			Supplier<List<Misuse>> misuses, IntFunction<Map<OriginStats, ThreadsSeen>> threads, LongSupplier clock) {
		this.registry = registry;
		this.detector = detector;
		this.showDetails = showDetails;
		this.roles = Set.copyOf(roles);
		this.misuses = misuses;
		this.threads = threads;
		this.clock = clock;
	}

	/**
	 * The summary and the origins with the most pending tasks.
	 * @param limit how many origins to list, 50 if absent
	 * @param minPending list only origins with at least this many pending tasks
	 * @param securityContext who asks, to decide whether to show what failed runs threw
	 * @return the report
	 */
	@ReadOperation
	public TimersDescriptor timers(@Nullable Integer limit, @Nullable Long minPending,
			SecurityContext securityContext) {
		if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
			throw new InvalidEndpointRequestException(
					"limit must be between 1 and " + MAX_LIMIT + ", was " + limit, "Invalid limit");
		}
		if (minPending != null && minPending < 0) {
			throw new InvalidEndpointRequestException("minPending must not be negative, was " + minPending,
					"Invalid minPending");
		}
		LeakReport report = this.detector.report();
		long now = this.clock.getAsLong();
		List<Misuse> findings = this.misuses.get();
		Map<String, List<String>> misusesByOrigin = byOrigin(findings);
		Map<OriginStats, ThreadsSeen> threads = this.threads.apply(THREAD_NAMES);
		List<SchedulerDescriptor> schedulers = new ArrayList<>();
		Map<SchedulerTracker, Long> retainedBySchedulers = new HashMap<>();
		List<OriginDescriptor> origins = new ArrayList<>();
		long pending = 0;
		long running = 0;
		long retained = 0;
		int originCount = 0;
		for (SchedulerTracker scheduler : this.registry.schedulers()) {
			SchedulerProbe probe = scheduler.probe();
			long schedulerRetained = probe.retainedCancelled();
			retainedBySchedulers.put(scheduler, schedulerRetained);
			long schedulerPending = 0;
			for (OriginStats origin : scheduler.origins()) {
				OriginDescriptor descriptor = describe(origin, report.verdict(origin.id()), schedulerRetained, now,
						misusesByOrigin.getOrDefault(origin.id(), List.of()), threads.get(origin));
				schedulerPending += descriptor.getPending();
				running += descriptor.getRunning();
				originCount++;
				if (minPending == null || descriptor.getPending() >= minPending) {
					origins.add(descriptor);
				}
			}
			pending += schedulerPending;
			retained += Math.max(0, schedulerRetained);
			schedulers.add(new SchedulerDescriptor(scheduler.name(), scheduler.type(), orNull(probe.poolSize()),
					schedulerPending, orNull(probe.queueSize()), orNull(schedulerRetained)));
		}
		origins.sort(Comparator.comparingLong(OriginDescriptor::getPending).reversed()
			.thenComparing(OriginDescriptor::getOrigin));
		int max = (limit != null) ? limit : DEFAULT_LIMIT;
		List<OriginDescriptor> listed = (origins.size() > max) ? origins.subList(0, max) : origins;
		schedulers.sort(Comparator.comparing(SchedulerDescriptor::getName));
		Long sampledAt = (report.sampledAtMillis() >= 0) ? report.sampledAtMillis() : null;
		Summary summary = new Summary(pending, running, retained, originCount, report.leaking().size(), sampledAt,
				schedulers);
		boolean showFailures = this.showDetails.isShown(securityContext, this.roles);
		List<MisuseDescriptor> misuseDescriptors = findings.stream()
			.map((misuse) -> new MisuseDescriptor(misuse.type().tag(),
					misuse.originId().isEmpty() ? null : misuse.originId(), misuse.origin(),
					misuse.scheduler().isEmpty() ? null : misuse.scheduler(), misuse.evidence(),
					showFailures ? misuse.failure() : null, misuse.type().fix(), misuse.detectedAtMillis()))
			.toList();
		return new TimersDescriptor(summary, listed, misuseDescriptors);
	}

	private static Map<String, List<String>> byOrigin(List<Misuse> findings) {
		Map<String, List<String>> result = new HashMap<>();
		for (Misuse misuse : findings) {
			if (!misuse.originId().isEmpty()) {
				result.computeIfAbsent(misuse.originId(), (id) -> new ArrayList<>()).add(misuse.type().tag());
			}
		}
		return result;
	}

	/**
	 * One origin in detail.
	 * @param id the origin's id
	 * @param securityContext who asks, to decide whether to show the creation stack
	 * @return the detail, or {@code null} (a 404) for an unknown id
	 */
	@ReadOperation
	public @Nullable OriginDetailDescriptor origin(@Selector String id, SecurityContext securityContext) {
		for (SchedulerTracker scheduler : this.registry.schedulers()) {
			for (OriginStats origin : scheduler.origins()) {
				if (origin.id().equals(id)) {
					return detail(origin, scheduler, securityContext);
				}
			}
		}
		return null;
	}

	private OriginDetailDescriptor detail(OriginStats origin, SchedulerTracker scheduler,
			SecurityContext securityContext) {
		long now = this.clock.getAsLong();
		OriginVerdict verdict = this.detector.report().verdict(origin.id());
		OriginDescriptor summary = describe(origin, verdict, scheduler.probe().retainedCancelled(), now,
				byOrigin(this.misuses.get()).getOrDefault(origin.id(), List.of()),
				this.threads.apply(THREAD_NAMES).get(origin));
		List<SampleDescriptor> history = (verdict != null) ? verdict.history()
			.stream()
			.map((sample) -> new SampleDescriptor(sample.timeMillis(), sample.pending()))
			.toList() : List.of();
		List<TaskDescriptor> oldest = new ArrayList<>();
		for (TrackedTask task : origin.oldestPendingSample(OLDEST_PENDING_SAMPLE)) {
			oldest.add(new TaskDescriptor(kind(task.kind()), Math.max(0, (now - task.createdMillis()) / 1000),
					orNull(task.nextFireInMillis())));
		}
		List<String> stack = this.showDetails.isShown(securityContext, this.roles)
				? origin.creationStack().stream().map(StackTraceElement::toString).toList() : null;
		return new OriginDetailDescriptor(summary, origin.runs(), origin.failedRuns(), history, oldest, stack);
	}

	private static OriginDescriptor describe(OriginStats origin, @Nullable OriginVerdict verdict,
			long retainedOnScheduler, long now, List<String> misuses, @Nullable ThreadsSeen threads) {
		boolean leaking = verdict != null && verdict.isLeaking();
		long oldest = origin.oldestPendingMillis();
		Trend trend = (verdict != null) ? verdict.trend() : Trend.UNKNOWN;
		return new OriginDescriptor(origin.id(), origin.origin().describe(), origin.schedulerName(),
				kinds(origin.kinds()), origin.pending(), origin.running(), origin.scheduled(), origin.completed(),
				origin.cancelled(), origin.failed(), (oldest >= 0) ? Math.max(0, (now - oldest) / 1000) : null,
				orNull(origin.nextFireInMillis()), round((verdict != null) ? verdict.growthPerMinute() : 0),
				trend.name().toLowerCase(Locale.ROOT), (verdict != null) ? verdict.outlived() : null,
				(verdict != null && verdict.horizonMillis() >= 0) ? verdict.horizonMillis() / 1000 : null, (verdict != null) ? verdict.evidence() : null,
				LeakHints.flags(origin, leaking, retainedOnScheduler),
				LeakHints.hint(origin, leaking, retainedOnScheduler), misuses,
				(threads != null) ? threads.live() : null, (threads != null) ? threads.names() : null);
	}

	private static List<String> kinds(Collection<TaskKind> kinds) {
		return kinds.stream().map(TimersEndpoint::kind).toList();
	}

	private static String kind(TaskKind kind) {
		return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	private static double round(double value) {
		return Math.round(value * 100) / 100.0;
	}

	private static @Nullable Integer orNull(int value) {
		return (value >= 0) ? value : null;
	}

	private static @Nullable Long orNull(long value) {
		return (value >= 0) ? value : null;
	}

}
