package dev.timerwatch.benchmarks;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code shutdownNow()}, {@code shutdown()} and {@code purge()} on a queue of {@code queued}
 * tasks. The JDK removes the tasks one by one; it finds its own tasks by index, but a
 * decorated task (here a minimal decorator, as Spring's {@code TaskDecorator} support makes)
 * only by a linear scan, so the naive decorated executor is quadratic. timerwatch reworks its
 * queue in bulk instead, under the queue's lock.
 * <ul>
 * <li>{@code shutdownNow}: one-hour one-shot tasks, all returned;</li>
 * <li>{@code shutdown}: periodic tasks, all dropped by the default policy;</li>
 * <li>{@code purge}: one-shot tasks, every other one cancelled.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ShutdownBenchmark {

	@Param({ "raw", "decorated", "timerwatch" })
	public String executor;

	@Param({ "100000" })
	public int queued;

	@Param({ "shutdownNow", "shutdown", "purge" })
	public String operation;

	private ScheduledThreadPoolExecutor target;

	@Setup(Level.Invocation)
	public void fillQueue() {
		this.target = this.executor.equals("decorated") ? new DecoratingExecutor()
				: SchedulingOverheadBenchmark.newExecutor(this.executor);
		for (int i = 0; i < this.queued; i++) {
			if (this.operation.equals("shutdown")) {
				this.target.scheduleAtFixedRate(SchedulingOverheadBenchmark::noop, 1 + i % 3600, 3600, TimeUnit.SECONDS);
			}
			else {
				ScheduledFuture<?> task = this.target.schedule(SchedulingOverheadBenchmark::noop, 1 + i % 3600,
						TimeUnit.SECONDS);
				if (this.operation.equals("purge") && i % 2 == 0) {
					task.cancel(false);
				}
			}
		}
	}

	@TearDown(Level.Invocation)
	public void stop() {
		this.target.shutdownNow();
	}

	@Benchmark
	public int operate() {
		switch (this.operation) {
			case "shutdownNow" -> {
				return this.target.shutdownNow().size();
			}
			case "shutdown" -> this.target.shutdown();
			default -> this.target.purge();
		}
		return this.target.getQueue().size();
	}

	static final class DecoratingExecutor extends ScheduledThreadPoolExecutor {

		DecoratingExecutor() {
			super(1);
		}

		@Override
		protected <V> RunnableScheduledFuture<V> decorateTask(Runnable runnable, RunnableScheduledFuture<V> task) {
			return new Decorated<>(task);
		}

		@Override
		protected <V> RunnableScheduledFuture<V> decorateTask(Callable<V> callable, RunnableScheduledFuture<V> task) {
			return new Decorated<>(task);
		}

	}

	record Decorated<V>(RunnableScheduledFuture<V> task) implements RunnableScheduledFuture<V> {

		@Override
		public void run() {
			this.task.run();
		}

		@Override
		public boolean isPeriodic() {
			return this.task.isPeriodic();
		}

		@Override
		public long getDelay(TimeUnit unit) {
			return this.task.getDelay(unit);
		}

		@Override
		public int compareTo(Delayed other) {
			return this.task.compareTo((other instanceof Decorated<?> decorated) ? decorated.task : other);
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			return this.task.cancel(mayInterruptIfRunning);
		}

		@Override
		public boolean isCancelled() {
			return this.task.isCancelled();
		}

		@Override
		public boolean isDone() {
			return this.task.isDone();
		}

		@Override
		public V get() throws InterruptedException, ExecutionException {
			return this.task.get();
		}

		@Override
		public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
			return this.task.get(timeout, unit);
		}

		@Override
		public boolean equals(Object other) {
			return this == other;
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(this);
		}

	}

}
