package dev.timerwatch.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.timerwatch.endpoint.OriginDetailDescriptor;
import dev.timerwatch.endpoint.TimersDescriptor;
import dev.timerwatch.endpoint.TimersEndpoint;
import dev.timerwatch.health.TimersHealthIndicator;
import dev.timerwatch.scheduling.TaskAdmission;
import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskOrigin;
import dev.timerwatch.tracking.TimerRegistry;
import dev.timerwatch.trend.LeakDetector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * What reading the tracked state costs at {@code tasks} pending tasks across {@code origins}
 * origins: an endpoint read, an origin's detail, a health check, and one sample of the leak
 * detector (every origin's pending count, and the trend test over a full window of history).
 * Each origin's tasks are spread over 30 creation epochs, as after five minutes of a steady leak.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class EndpointBenchmark {

	@Param({ "1000000" })
	public int tasks;

	@Param({ "1000" })
	public int origins;

	private final AtomicLong clock = new AtomicLong(1_000_000_000L);

	private final List<Object> pendingTasks = new ArrayList<>();

	private TimersEndpoint endpoint;

	private TimersHealthIndicator health;

	private LeakDetector detector;

	private String someOrigin;

	@Setup
	public void fill() {
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), this.clock::get, 10_000);
		SchedulerTracker scheduler = registry.register("taskScheduler", "ThreadPoolTaskScheduler");
		this.detector = new LeakDetector(registry, Duration.ofSeconds(10), Duration.ofMinutes(5), 1.0,
				this.clock::get);
		TaskAdmission admission = new TaskAdmission(scheduler, true);
		int epochs = 31;
		int perEpoch = this.tasks / this.origins / epochs;
		for (int epoch = 0; epoch < epochs; epoch++) {
			for (int origin = 0; origin < this.origins; origin++) {
				TaskOrigin site = TaskOrigin.callSite("com.example.Service" + origin, "start",
						"Service" + origin + ".java", 42);
				for (int i = 0; i < perEpoch; i++) {
					Runnable task = EndpointBenchmark::noop;
					this.pendingTasks.add(admission.admit(task, TaskKind.FIXED_RATE, -1, -1, site));
				}
			}
			this.detector.sample();
			this.clock.addAndGet(10_000);
			registry.advance();
		}
		this.endpoint = new TimersEndpoint(registry, this.detector, Show.ALWAYS, Set.of());
		this.health = new TimersHealthIndicator(registry, this.detector, new Status("LEAKING"), null);
		this.someOrigin = this.endpoint.timers(1, null, SecurityContext.NONE).getOrigins().get(0).getId();
	}

	@Benchmark
	public TimersDescriptor timers() {
		return this.endpoint.timers(null, null, SecurityContext.NONE);
	}

	@Benchmark
	public OriginDetailDescriptor originDetail() {
		return this.endpoint.origin(this.someOrigin, SecurityContext.NONE);
	}

	@Benchmark
	public Health healthCheck() {
		return this.health.health(true);
	}

	@Benchmark
	public Object sample() {
		return this.detector.sample();
	}

	private static void noop() {
	}

}
