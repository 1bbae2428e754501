package dev.timerwatch.autoconfigure.scheduling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import dev.timerwatch.fixtures.TaskSchedulers;
import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@code SimpleAsyncTaskScheduler} runs each run of a periodic or trigger task on a thread of
 * its own, so long runs overlap, in numbers no state word of a task counts: the task still
 * ends exactly once, as the raw scheduler ends it.
 */
class OverlappingRunsTests {

	private static final int RUNS = 300;

	@Test
	void aTriggerTaskWhoseRunsOverlapBeyondWhatIsCountedRunsUntilItsLastRunAndEndsOnce() throws Exception {
		List<Object> expected = overlapRunsThenEnd((scheduler) -> scheduler, () -> "raw");
		TimerRegistry registry = new TimerRegistry();
		List<Object> actual = overlapRunsThenEnd((scheduler) -> TaskSchedulers.trackedAsABean(scheduler, registry),
				() -> List.of(sum(registry, OriginStats::running), sum(registry, OriginStats::completed)));
		assertThat(actual.get(1)).as("running and completed while most runs go on").isEqualTo(List.of(1L, 0L));
		actual.set(1, "raw");
		assertThat(actual).isEqualTo(expected);
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(sum(registry, OriginStats::live)).isZero());
		assertThat(sum(registry, OriginStats::completed)).isEqualTo(1);
		assertThat(sum(registry, OriginStats::scheduled)).isEqualTo(1);
	}

	private static long sum(TimerRegistry registry, ToLongFunction<OriginStats> figure) {
		return registry.origins().stream().mapToLong(figure).sum();
	}

	// RUNS runs, each blocked until the test lets it go; the trigger says no more after them. A
	// few runs end first, while the others go on and the counts are read.
	private static List<Object> overlapRunsThenEnd(Function<TaskScheduler, TaskScheduler> decoration,
			Supplier<Object> counts) throws Exception {
		SimpleAsyncTaskScheduler raw = new SimpleAsyncTaskScheduler();
		TaskScheduler scheduler = decoration.apply(raw);
		Semaphore release = new Semaphore(0);
		try {
			CountDownLatch allStarted = new CountDownLatch(RUNS);
			AtomicInteger finished = new AtomicInteger();
			AtomicInteger fired = new AtomicInteger();
			ScheduledFuture<?> future = scheduler.schedule(() -> {
				allStarted.countDown();
				try {
					release.tryAcquire(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				finished.incrementAndGet();
			}, (context) -> (fired.incrementAndGet() <= RUNS) ? Instant.now() : null);
			List<Object> transcript = new ArrayList<>();
			transcript.add(allStarted.await(30, TimeUnit.SECONDS));
			release.release(50);
			await().atMost(Duration.ofSeconds(30)).until(() -> finished.get() == 50);
			// The run that ended last has left the tracked task, if it is going to.
			Thread.sleep(100);
			transcript.add(counts.get());
			transcript.add(future.isDone());
			release.release(RUNS);
			await().atMost(Duration.ofSeconds(30)).until(future::isDone);
			transcript.add(future.isCancelled());
			transcript.add(fired.get());
			return transcript;
		}
		finally {
			release.release(RUNS);
			raw.close();
		}
	}

}
