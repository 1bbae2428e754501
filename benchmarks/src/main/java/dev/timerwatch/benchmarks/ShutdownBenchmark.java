package dev.timerwatch.benchmarks;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
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

/**
 * {@code shutdownNow()} on a queue of {@code queued} tasks. The JDK removes the tasks one by
 * one; it finds its own tasks by index, but a decorated task (here a minimal decorator, as
 * Spring's {@code TaskDecorator} support makes) only by a linear scan, so the naive decorated
 * executor is quadratic. timerwatch drains its queue in bulk instead.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ShutdownBenchmark {

	@Param({ "raw", "decorated", "timerwatch" })
	public String executor;

	@Param({ "100000" })
	public int queued;

	private ScheduledThreadPoolExecutor target;

	@Setup(Level.Invocation)
	public void fillQueue() {
		this.target = this.executor.equals("decorated") ? new DecoratingExecutor()
				: SchedulingOverheadBenchmark.newExecutor(this.executor);
		for (int i = 0; i < this.queued; i++) {
			this.target.schedule(SchedulingOverheadBenchmark::noop, 1 + i % 3600, TimeUnit.SECONDS);
		}
	}

	@Benchmark
	public List<Runnable> shutdownNow() {
		return this.target.shutdownNow();
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
