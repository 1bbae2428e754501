package dev.timerwatch.scheduling;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RemovableTasksTests {

	private final TimerRegistry registry = new TimerRegistry();

	private final TaskAdmission admission = new TaskAdmission(this.registry.register("test", "test"), true);

	@Test
	void findsEveryTaskItHoldsThroughAnyOrderOfAddsAndRemovesAsAnIdentityMapWould() {
		RemovableTasks table = new RemovableTasks();
		Map<Future<?>, TrackedCommand<?>> expected = new IdentityHashMap<>();
		List<Future<?>> held = new ArrayList<>();
		SplittableRandom random = new SplittableRandom(13);
		for (int step = 0; step < 200_000; step++) {
			// Grow to about 5,000, drain to nothing, grow again: every resize and many long
			// probe runs are crossed in both directions.
			boolean grow = (step / 20_000) % 2 == 0;
			if (held.isEmpty() || random.nextInt(100) < (grow ? 70 : 30)) {
				CompletableFuture<Void> task = new CompletableFuture<>();
				TrackedCommand<Void> command = command(task);
				table.register(command);
				expected.put(task, command);
				held.add(task);
			}
			else {
				Future<?> task = held.remove(random.nextInt(held.size()));
				assertThat(table.discard(task, false)).isTrue();
				assertThat(expected.remove(task)).isNotNull();
				assertThat(table.discard(task, false)).as("a task is found once").isFalse();
			}
			if (step % 997 == 0) {
				assertThat(table.discard(new CompletableFuture<>(), false)).as("a stranger is never found").isFalse();
			}
		}
		assertThat(table.size()).isEqualTo(expected.size());
		for (Future<?> task : held) {
			assertThat(table.discard(task, false)).isTrue();
		}
		assertThat(table.size()).isZero();
		assertThat(pending()).isZero();
	}

	@Test
	void shrinksBackOnceItsTasksAreGone() {
		RemovableTasks table = new RemovableTasks();
		int emptyCapacity = table.capacity();
		List<CompletableFuture<Void>> tasks = registered(table, 100_000);
		assertThat(table.capacity()).isBetween(200_000, 800_000);
		tasks.forEach((task) -> table.discard(task, false));
		assertThat(table.size()).isZero();
		assertThat(emptyCapacity).isZero();
		assertThat(table.capacity()).isZero();
	}

	@Test
	void sweepingTakesOutTheDoneTasksAndCountsTheCancelledOnesAsCancelled() {
		RemovableTasks table = new RemovableTasks();
		List<CompletableFuture<Void>> tasks = registered(table, 3_000);
		for (int i = 0; i < tasks.size(); i++) {
			if (i % 3 == 0) {
				tasks.get(i).cancel(false);
			}
			else if (i % 3 == 1) {
				tasks.get(i).complete(null);
			}
		}
		table.sweepDone((task) -> false);
		assertThat(table.size()).isEqualTo(1_000);
		// The completed ones were never run through their command, so they are still pending:
		// only the cancelled thousand left the counts.
		assertThat(pending()).isEqualTo(2_000);
		for (int i = 2; i < tasks.size(); i += 3) {
			assertThat(table.discard(tasks.get(i), false)).isTrue();
		}
		assertThat(table.size()).isZero();
	}

	@Test
	void threadsAddingAndRemovingAtOnceLoseNoTask() throws Exception {
		RemovableTasks table = new RemovableTasks();
		int threads = 4;
		int perThread = 50_000;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<Integer>> found = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			found.add(pool.submit(() -> {
				start.await();
				List<Future<?>> mine = new ArrayList<>();
				int discarded = 0;
				for (int i = 0; i < perThread; i++) {
					CompletableFuture<Void> task = new CompletableFuture<>();
					table.register(command(task));
					mine.add(task);
					if (i % 2 == 1) {
						// Remove an older one of this thread's, so the table grows and shrinks.
						if (table.discard(mine.remove(mine.size() / 2), false)) {
							discarded++;
						}
					}
				}
				for (Future<?> task : mine) {
					if (table.discard(task, false)) {
						discarded++;
					}
				}
				return discarded;
			}));
		}
		start.countDown();
		int discarded = 0;
		try {
			for (Future<Integer> count : found) {
				discarded += count.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(discarded).isEqualTo(threads * perThread);
		assertThat(table.size()).isZero();
		assertThat(pending()).isZero();
	}


	@Test
	void aSweepThatEmptiesTheTableGivesItsSlotsBack() {
		RemovableTasks table = new RemovableTasks();
		List<CompletableFuture<Void>> tasks = registered(table, 100_000);
		for (int i = 0; i < tasks.size(); i++) {
			tasks.get(i).cancel(false);
		}
		table.sweepDone((task) -> false);
		assertThat(table.size()).isZero();
		assertThat(pending()).isZero();
		assertThat(table.capacity()).isZero();
	}

	@Test
	void aSweepThatLeavesFewTasksShrinksTheTableToThem() {
		RemovableTasks table = new RemovableTasks();
		List<CompletableFuture<Void>> tasks = registered(table, 100_000);
		for (int i = 0; i < tasks.size(); i++) {
			if (i % 100 != 0) {
				tasks.get(i).cancel(false);
			}
		}
		table.sweepDone((task) -> false);
		assertThat(table.size()).isEqualTo(1_000);
		// At most a quarter full after a sweep, at least 8 slots a segment in use.
		assertThat(table.capacity()).isBetween(4_000, 16_000);
		for (int i = 0; i < tasks.size(); i += 100) {
			assertThat(table.discard(tasks.get(i), false)).isTrue();
		}
		assertThat(table.capacity()).isZero();
	}

	@Test
	void aTerminatedExecutorHoldsNoSlotsForTheTasksItDropped() throws Exception {
		TrackingScheduledThreadPoolExecutor executor = new TrackingScheduledThreadPoolExecutor(1, this.registry,
				"dropping");
		executor.setRemoveOnCancelPolicy(true);
		executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		for (int i = 0; i < 100_000; i++) {
			Object request = new Object();
			executor.schedule(() -> request.hashCode(), 1, TimeUnit.HOURS);
		}
		executor.shutdown();
		assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		Field field = TrackingScheduledThreadPoolExecutor.class.getDeclaredField("removableTasks");
		field.setAccessible(true);
		RemovableTasks table = (RemovableTasks) field.get(executor);
		assertThat(table.size()).isZero();
		assertThat(table.capacity()).isZero();
	}

	@Test
	void removesEveryEntryFromEveryLayoutOfAnEightSlotSegmentAndFindsTheRest() {
		// Tasks grouped by their home slot in a segment of 8 slots.
		List<List<Future<?>>> byHome = new ArrayList<>();
		for (int home = 0; home < 8; home++) {
			byHome.add(new ArrayList<>());
		}
		while (byHome.stream().anyMatch((tasks) -> tasks.size() < 4)) {
			CompletableFuture<Void> task = new CompletableFuture<>();
			List<Future<?>> sameHome = byHome.get(RemovableTasks.hash(task) & 7);
			if (sameHome.size() < 4) {
				sameHome.add(task);
			}
		}
		int layouts = 0;
		for (int entries = 1; entries <= 4; entries++) {
			for (int homes = 0; homes < 1 << (3 * entries); homes++) {
				for (int victim = 0; victim < entries; victim++) {
					RemovableTasks.Segment segment = new RemovableTasks.Segment();
					List<Future<?>> tasks = new ArrayList<>();
					int[] used = new int[8];
					for (int j = 0; j < entries; j++) {
						int home = (homes >>> (3 * j)) & 7;
						Future<?> task = byHome.get(home).get(used[home]++);
						tasks.add(task);
						segment.add(command(task), RemovableTasks.hash(task));
					}
					assertThat(segment.capacity()).isEqualTo(8);
					Future<?> removed = tasks.remove(victim);
					assertThat(segment.remove(removed, RemovableTasks.hash(removed))).isNotNull();
					assertThat(segment.remove(removed, RemovableTasks.hash(removed))).isNull();
					for (Future<?> task : tasks) {
						assertThat(segment.remove(task, RemovableTasks.hash(task)))
							.as("%d entries, homes %o, removed #%d", entries, homes, victim).isNotNull();
					}
					assertThat(segment.size()).isZero();
					layouts++;
				}
			}
		}
		assertThat(layouts).isEqualTo(8 + 2 * 64 + 3 * 512 + 4 * 4096);
	}


	private List<CompletableFuture<Void>> registered(RemovableTasks table, int count) {
		List<CompletableFuture<Void>> tasks = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			CompletableFuture<Void> task = new CompletableFuture<>();
			table.register(command(task));
			tasks.add(task);
		}
		return tasks;
	}

	private TrackedCommand<Void> command(Future<?> task) {
		TrackedCommand<Void> command = this.admission.admit(() -> {
		}, TaskKind.ONCE, -1, -1, null);
		assertThat(command).isNotNull();
		command.attach(task);
		return command;
	}

	private long pending() {
		return this.registry.origins().stream().mapToLong(OriginStats::pending).sum();
	}

}
