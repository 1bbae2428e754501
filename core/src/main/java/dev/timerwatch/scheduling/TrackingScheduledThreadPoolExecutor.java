package dev.timerwatch.scheduling;

import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import dev.timerwatch.tracking.PendingBucket;
import dev.timerwatch.tracking.SchedulerProbe;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskObserver;
import dev.timerwatch.tracking.TimerRegistry;
import dev.timerwatch.tracking.TrackingFailures;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ScheduledThreadPoolExecutor} that records every task it accepts.
 *
 * <p>It tracks through {@link #decorateTask}, the hook the JDK provides for exactly this, so
 * the executor's own code does everything else: {@code schedule} returns the very object that
 * sits in {@link #getQueue()} and that {@link #remove} accepts, rejection handlers receive
 * this executor, shutdown policies and {@code shutdownNow} behave as before. Being a subclass,
 * it is still a {@code ScheduledThreadPoolExecutor} wherever one is injected, and it needs no
 * JVM flags (a runtime proxy of a {@code java.util.concurrent} class would).
 *
 * <p>Cancelled tasks stay in the queue until their delay expires unless the remove-on-cancel
 * policy is on; this executor counts them, because they are what leaks when timeouts are
 * cancelled by the thousand. While the policy is on, nothing is retained to count, and tasks
 * are accepted undecorated instead (see {@link RemovableTasks}), so that cancellation keeps
 * the JDK's logarithmic removal; their cancellations are still counted once the policy is
 * switched off again (see {@link #setRemoveOnCancelPolicy}).
 *
 * <p>The JDK finds a decorated task in its queue only by a linear scan, so its
 * {@code shutdown}, {@code shutdownNow} and {@code purge}, which remove tasks one at a time,
 * would take time quadratic in the queue's length. This executor reworks the queue in bulk
 * instead: all at once, under the queue's own lock ({@link QueueLock}), and inside the JDK's
 * own {@code shutdown} and {@code shutdownNow}, after their change of run state, so that any
 * other thread sees the steps in the JDK's order.
 */
public class TrackingScheduledThreadPoolExecutor extends ScheduledThreadPoolExecutor {

	// What the thread inside the JDK's shutdown or shutdownNow is doing; other threads never
	// see a difference.
	private static final int SHUTDOWN_SCAN = 1;

	private static final int SHUTDOWN_SCANNED = 2;

	private static final int STOPPING = 3;

	private static final int STOPPED = 4;

	/** What {@link #delayDuringRework} answers when no rework is under way on this thread. */
	static final long NOT_REWORKING = Long.MIN_VALUE;

	private static final StackWalker STACK_WALKER = StackWalker.getInstance();

	private static final String JDK_TASK = ScheduledThreadPoolExecutor.class.getName() + "$ScheduledFutureTask";

	// The delay of the one-shot task the current thread is scheduling, in nanoseconds, or -1:
	// decorateTask, where a task is admitted under the default policy, is given the JDK's task
	// only, whose delay would cost a clock read. Set around the JDK's schedule, and restored
	// after it to what it was (a subclass's decorateTask may schedule in between).
	private static final ThreadLocal<long[]> SCHEDULING_DELAY = ThreadLocal.withInitial(() -> new long[] { -1 });

	private final SchedulerTracker tracker;

	private final TaskAdmission admission;

	private final RemovableTasks removableTasks = new RemovableTasks();

	// The shutdowns under way, each on its own thread, or null when none is (the one read on
	// the hot path). Two may be under way at once (two shutdowns, or a policy setter's scan
	// during a shutdown), and each thread inside the JDK's scan must get its own answers.
	private final AtomicReference<Rework @Nullable []> reworks = new AtomicReference<>();

	// The remove-on-cancel policy as set and reported; the JDK's own stays on once it has been
	// (see setRemoveOnCancelPolicy).
	private volatile boolean removeOnCancel;

	// Whether a one-shot runnable accepted under remove-on-cancel is handed to the JDK as the
	// callable its command also is, which saves the JDK's adapter object per task. Not for a
	// subclass that decorates tasks: the JDK would call its decorateTask for a callable, where
	// the raw executor calls it for a runnable.
	private final boolean adaptsRunnables;

	// The names of this executor's class and of its superclasses down to this one: frames of
	// these are skipped to find who called remove. Names, not classes: a walker that keeps
	// classes needs a permission a security manager may deny.
	private final List<String> ownClassNames;

	/**
	 * Create an executor tracked under the given name, with the JDK's default thread factory
	 * and abort policy.
	 * @param corePoolSize the number of threads to keep
	 * @param registry the registry to report to
	 * @param name the name to report under
	 */
	public TrackingScheduledThreadPoolExecutor(int corePoolSize, TimerRegistry registry, String name) {
		this(corePoolSize, Executors.defaultThreadFactory(), new AbortPolicy(), registry, name);
	}

	/**
	 * Create an executor tracked under the given name.
	 * @param corePoolSize the number of threads to keep
	 * @param threadFactory creates the threads
	 * @param handler receives rejected tasks
	 * @param registry the registry to report to
	 * @param name the name to report under
	 */
	public TrackingScheduledThreadPoolExecutor(int corePoolSize, ThreadFactory threadFactory,
			RejectedExecutionHandler handler, TimerRegistry registry, String name) {
		super(corePoolSize, threadFactory, new TrackingRejectedExecutionHandler(handler));
		this.tracker = registry.register(name, ScheduledThreadPoolExecutor.class.getSimpleName());
		this.admission = new TaskAdmission(this.tracker, true);
		this.adaptsRunnables = !decoratesTasks(getClass());
		this.ownClassNames = classNamesDownToThis(getClass());
		// Attached once the fields its probe reads are set.
		this.tracker.attach(this, new Probe(this));
	}

	/**
	 * Create a tracking executor configured as the given one: pool size, thread factory,
	 * rejection handler, keep-alive and the three cancellation and shutdown policies (see
	 * {@link ScheduledThreadPoolSettings}).
	 * @param original the executor to copy; it is left untouched
	 * @param registry the registry to report to
	 * @param name the name to report under
	 * @return the new executor
	 */
	public static TrackingScheduledThreadPoolExecutor copyOf(ScheduledThreadPoolExecutor original,
			TimerRegistry registry, String name) {
		ScheduledThreadPoolSettings settings = ScheduledThreadPoolSettings.of(original);
		TrackingScheduledThreadPoolExecutor copy = new TrackingScheduledThreadPoolExecutor(settings.corePoolSize(),
				settings.threadFactory(), settings.rejectedExecutionHandler(), registry, name);
		settings.applyChanges(ScheduledThreadPoolSettings.of(copy), copy);
		return copy;
	}

	/**
	 * The tracker this executor reports to.
	 * @return the tracker
	 */
	public SchedulerTracker getTracker() {
		return this.tracker;
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
		Objects.requireNonNull(command, "command");
		long delayNanos = TaskAdmission.delayNanos(delay, unit);
		TrackedCommand<Void> removable = getRemoveOnCancelPolicy() ? removableOnce(command, delayNanos) : null;
		if (removable instanceof TrackedCommand.OfAdaptedRunnable) {
			// The JDK's task takes the command as its callable, with no adapter of its own.
			return this.admission.submit(removable, () -> super.schedule((Callable<Void>) removable, delay, unit));
		}
		if (removable != null) {
			return this.admission.submit(removable, () -> super.schedule((Runnable) removable, delay, unit));
		}
		long[] handOff = handOff();
		// Restored, not cleared: a subclass's decorateTask may schedule on this thread first.
		long outer = handOff[0];
		handOff[0] = delayNanos;
		try {
			return super.schedule(command, delay, unit);
		}
		finally {
			handOff[0] = outer;
		}
	}

	@Override
	public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
		Objects.requireNonNull(callable, "callable");
		long delayNanos = TaskAdmission.delayNanos(delay, unit);
		TrackedCommand<V> removable = getRemoveOnCancelPolicy() ? this.admission.admit(callable, delayNanos, null)
				: null;
		if (removable != null) {
			return this.admission.submit(removable, () -> super.schedule((Callable<V>) removable, delay, unit));
		}
		long[] handOff = handOff();
		// Restored, not cleared: a subclass's decorateTask may schedule on this thread first.
		long outer = handOff[0];
		handOff[0] = delayNanos;
		try {
			return super.schedule(callable, delay, unit);
		}
		finally {
			handOff[0] = outer;
		}
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
		Objects.requireNonNull(command, "command");
		Objects.requireNonNull(unit, "unit");
		long periodNanos = unit.toNanos(period);
		TrackedCommand<Void> removable = removable(command, TaskKind.FIXED_RATE, periodNanos);
		if (removable != null) {
			return this.admission.submit(removable,
					() -> super.scheduleAtFixedRate(removable, initialDelay, period, unit));
		}
		return super.scheduleAtFixedRate(new PeriodicCommand(command, TaskKind.FIXED_RATE, periodNanos), initialDelay,
				period, unit);
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
		Objects.requireNonNull(command, "command");
		Objects.requireNonNull(unit, "unit");
		long delayNanos = unit.toNanos(delay);
		TrackedCommand<Void> removable = removable(command, TaskKind.FIXED_DELAY, delayNanos);
		if (removable != null) {
			return this.admission.submit(removable,
					() -> super.scheduleWithFixedDelay(removable, initialDelay, delay, unit));
		}
		return super.scheduleWithFixedDelay(new PeriodicCommand(command, TaskKind.FIXED_DELAY, delayNanos),
				initialDelay, delay, unit);
	}

	private @Nullable TrackedCommand<Void> removableOnce(Runnable command, long delayNanos) {
		return this.adaptsRunnables ? this.admission.admitAdapted(command, delayNanos)
				: this.admission.admit(command, TaskKind.ONCE, -1, delayNanos, null);
	}

	private static List<String> classNamesDownToThis(Class<?> type) {
		List<String> names = new ArrayList<>();
		for (Class<?> c = type; c != ScheduledThreadPoolExecutor.class; c = c.getSuperclass()) {
			names.add(c.getName());
		}
		return List.copyOf(names);
	}

	// Whether a subclass declares a decorateTask of its own. Asked once, at construction; a class
	// that cannot be asked is taken to decorate.
	private static boolean decoratesTasks(Class<?> type) {
		try {
			for (Class<?> c = type; c != TrackingScheduledThreadPoolExecutor.class; c = c.getSuperclass()) {
				for (Method method : c.getDeclaredMethods()) {
					if (method.getName().equals("decorateTask")) {
						return true;
					}
				}
			}
			return false;
		}
		catch (Throwable ex) {
			return true;
		}
	}

	private @Nullable TrackedCommand<Void> removable(Runnable command, TaskKind kind, long periodNanos) {
		return getRemoveOnCancelPolicy() ? this.admission.admit(command, kind, periodNanos, -1, null) : null;
	}

	@Override
	protected <V> RunnableScheduledFuture<V> decorateTask(Runnable runnable, RunnableScheduledFuture<V> task) {
		if (runnable instanceof TrackedCommand<?> command) {
			return registerRemovable(command, task);
		}
		if (runnable instanceof PeriodicCommand periodic) {
			return track(periodic.command, periodic.kind, periodic.periodNanos, -1, task);
		}
		return track(runnable, TaskKind.ONCE, -1, handedOffDelay(), task);
	}

	@Override
	protected <V> RunnableScheduledFuture<V> decorateTask(Callable<V> callable, RunnableScheduledFuture<V> task) {
		if (callable instanceof TrackedCommand<?> command) {
			return registerRemovable(command, task);
		}
		return track(callable, TaskKind.ONCE, -1, handedOffDelay(), task);
	}

	// The current thread's hand-off. On a thread that allows no thread-locals, an array of its
	// own that nothing reads: decorateTask then finds no delay.
	private static long[] handOff() {
		try {
			return SCHEDULING_DELAY.get();
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
			return new long[] { -1 };
		}
	}

	private static long handedOffDelay() {
		return handOff()[0];
	}

	private <V> RunnableScheduledFuture<V> registerRemovable(TrackedCommand<?> command,
			RunnableScheduledFuture<V> task) {
		try {
			command.attach(task);
			this.removableTasks.register(command);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
		return task;
	}

	private <V> RunnableScheduledFuture<V> track(Object command, TaskKind kind, long periodNanos, long delayNanos,
			RunnableScheduledFuture<V> task) {
		PendingBucket bucket = this.admission.bucketFor(command, kind, periodNanos, delayNanos);
		if (bucket == null) {
			return task;
		}
		if (kind == TaskKind.ONCE && command instanceof FutureTask<?> future) {
			return new TrackedScheduledFuture.OfRunnableFuture<>(task, future, bucket, this);
		}
		return new TrackedScheduledFuture<>(task, bucket, kind, this);
	}

	TaskObserver observer() {
		return this.admission.observer();
	}

	// A decorated task's future was cancelled: the JDK would remove its own task now under the
	// remove-on-cancel policy, and cannot find a decorated one.
	void cancelled(TrackedScheduledFuture<?> task) {
		boolean removeOnCancel = getRemoveOnCancelPolicy();
		if (removeOnCancel) {
			super.remove(task);
		}
		task.onCancel(!removeOnCancel);
	}

	/**
	 * Set the remove-on-cancel policy, as the JDK's does.
	 *
	 * <p>Tasks accepted while the policy is on are queued undecorated (see
	 * {@link RemovableTasks}): the JDK's own task, which the caller holds, tells this executor of
	 * its cancellation only by calling {@link #remove} from its {@code cancel}, and it does so
	 * only while the JDK's policy is on; it has no other hook. Switched off with such tasks
	 * queued, the JDK would cancel them without a word, and they would be counted pending until
	 * they left the queue. So switching the policy off leaves the JDK's own on, once it has been
	 * on: what this executor reports and does is the policy as set ({@link #getRemoveOnCancelPolicy},
	 * the tasks it decorates again, and {@link #remove}, which takes no task out when the JDK's
	 * cancel calls it with the policy off, as the JDK would not have called it then). Each
	 * cancellation is then seen when it happens, the task counted retained in the queue, as a
	 * decorated one is, and released when it leaves it. The cost, on an executor whose policy
	 * has been switched off again only: a cancel, and a shutdown's drop of each task, call
	 * {@code remove}, which walks a few frames of the stack to tell who called it; a subclass
	 * that overrides {@code remove} sees those calls too.
	 * @param value whether cancelled tasks leave the queue at once
	 */
	@Override
	public void setRemoveOnCancelPolicy(boolean value) {
		// The JDK's first: a task accepted undecorated as soon as the policy reads on must find
		// the JDK's policy on when it is cancelled.
		if (value) {
			super.setRemoveOnCancelPolicy(true);
		}
		this.removeOnCancel = value;
	}

	@Override
	public boolean getRemoveOnCancelPolicy() {
		return this.removeOnCancel;
	}

	// Also called by the JDK when a task is cancelled while the JDK's remove-on-cancel policy
	// is on, which it stays once it has been, even while the policy is off.
	@Override
	public boolean remove(Runnable task) {
		if (!this.removeOnCancel && super.getRemoveOnCancelPolicy() && cancelledWithThePolicyOff(task)) {
			return false;
		}
		boolean removed = super.remove(task);
		if (removed) {
			discarded(task);
		}
		return removed;
	}

	@Override
	public void purge() {
		List<Runnable> dropped = new ArrayList<>();
		// The JDK's delayed queue holds RunnableScheduledFutures only.
		QueueLock.run(getQueue(), () -> rework((task) -> !real((RunnableScheduledFuture<?>) task).isCancelled(), dropped));
		dropped.forEach(this::discarded);
		// The JDK's purge ends by letting a shut-down executor terminate once its queue is empty.
		super.remove(NOT_QUEUED);
	}

	@Override
	public void shutdown() {
		shutdownScan(super::shutdown);
	}

	/**
	 * Setting the policy to {@code false} on an executor already shut down runs the JDK's
	 * shutdown scan again: it runs as {@link #shutdown()}'s does.
	 */
	@Override
	public void setContinueExistingPeriodicTasksAfterShutdownPolicy(boolean value) {
		if (value) {
			super.setContinueExistingPeriodicTasksAfterShutdownPolicy(true);
			return;
		}
		shutdownScan(() -> super.setContinueExistingPeriodicTasksAfterShutdownPolicy(false));
	}

	/**
	 * Setting the policy to {@code false} on an executor already shut down runs the JDK's
	 * shutdown scan again: it runs as {@link #shutdown()}'s does.
	 */
	@Override
	public void setExecuteExistingDelayedTasksAfterShutdownPolicy(boolean value) {
		if (value) {
			super.setExecuteExistingDelayedTasksAfterShutdownPolicy(true);
			return;
		}
		shutdownScan(() -> super.setExecuteExistingDelayedTasksAfterShutdownPolicy(false));
	}

	// Runs an operation of the JDK that may run its shutdown scan, which then drops in bulk,
	// and settles what the JDK dropped behind our back.
	private void shutdownScan(Runnable operation) {
		Rework rework = begin(SHUTDOWN_SCAN);
		try {
			operation.run();
		}
		finally {
			end(rework);
		}
		sweepRemovable();
	}

	@Override
	public List<Runnable> shutdownNow() {
		Rework rework = begin(STOPPING);
		List<Runnable> drained;
		try {
			drained = super.shutdownNow();
		}
		finally {
			end(rework);
		}
		drained.addAll(rework.stopped);
		drained.forEach(this::discarded);
		sweepRemovable();
		return drained;
	}

	/**
	 * The delay a decorated task reports to the thread inside the JDK's shutdown or
	 * shutdownNow. The JDK's shutdownNow drains the queue with {@code drainTo}, under the
	 * queue's lock, asking the head for its delay first: at that moment this executor takes
	 * every task out in one pass and answers "not due", so that {@code drainTo} stops with
	 * nothing left to drain; the tasks are returned with what the JDK returns. Once the
	 * shutdown scan has dropped in bulk, a delay of -1 makes the JDK's scan keep every task.
	 *
	 * <p>The JDK's own task also asks a decorated one for its delay when it compares itself
	 * with it (a queue holds both kinds once remove-on-cancel is switched on with tasks
	 * queued), while the JDK sifts its heap: that call must get the true delay, and must never
	 * start a rework, which would take the heap apart in the middle of the sift. So the
	 * shutdown scan is started by {@code isPeriodic} and {@code isCancelled} only, which the
	 * JDK asks outside any queue operation, and a delay is answered specially only to the
	 * JDK's drain and scan themselves (a stack walk tells, where a queue may hold both kinds;
	 * a subclass's own task may compare by delay too), and never while this executor reworks
	 * in bulk.
	 * @return the delay, or {@link #NOT_REWORKING} for the true one
	 */
	long delayDuringRework() {
		Rework rework = currentRework();
		if (rework == null || rework.inBulk) {
			return NOT_REWORKING;
		}
		switch (rework.mode) {
			case SHUTDOWN_SCANNED:
				// A queue of this executor's tasks only has no other compare to ask: no walk per
				// task of a large queue, under the executor's lock.
				return (!rework.mixed || askedBy("onShutdown")) ? -1 : NOT_REWORKING;
			case STOPPING:
				if (!askedBy("drainTo")) {
					return NOT_REWORKING;
				}
				rework.mode = STOPPED;
				rework.inBulk = true;
				try {
					rework((task) -> false, rework.stopped);
				}
				finally {
					rework.inBulk = false;
				}
				return Long.MAX_VALUE;
			case STOPPED:
				return Long.MAX_VALUE;
			default:
				return NOT_REWORKING;
		}
	}

	// Registers a shutdown under way on the current thread.
	private Rework begin(int mode) {
		Rework rework = new Rework(mode);
		for (;;) {
			Rework[] current = this.reworks.get();
			Rework[] next;
			if (current == null) {
				next = new Rework[] { rework };
			}
			else {
				next = Arrays.copyOf(current, current.length + 1);
				next[current.length] = rework;
			}
			if (this.reworks.compareAndSet(current, next)) {
				return rework;
			}
		}
	}

	private void end(Rework rework) {
		for (;;) {
			Rework[] current = this.reworks.get();
			int index = (current != null) ? Arrays.asList(current).indexOf(rework) : -1;
			if (index < 0) {
				return;
			}
			Rework[] next = null;
			if (current.length > 1) {
				next = new Rework[current.length - 1];
				System.arraycopy(current, 0, next, 0, index);
				System.arraycopy(current, index + 1, next, index, next.length - index);
			}
			if (this.reworks.compareAndSet(current, next)) {
				return;
			}
		}
	}

	// The current thread's shutdown under way, the innermost if it nests one (a subclass's
	// terminated() that shuts down again), or null. One volatile read when none is under way.
	private @Nullable Rework currentRework() {
		Rework[] reworks = this.reworks.get();
		if (reworks == null) {
			return null;
		}
		Thread current = Thread.currentThread();
		for (int i = reworks.length - 1; i >= 0; i--) {
			if (reworks[i].owner == current) {
				return reworks[i];
			}
		}
		return null;
	}

	// Whether the JDK code that asked a task for its delay is the given method (the drain, the
	// shutdown scan), rather than a compare inside a sift of the heap. Only during a shutdown,
	// on its own thread: never on a hot path.
	private static boolean askedBy(String method) {
		return STACK_WALKER.walk((frames) -> frames
			.filter((frame) -> frame.getClassName().startsWith("java.util.concurrent."))
			.findFirst()
			.map((frame) -> frame.getMethodName().equals(method))
			.orElse(false));
	}

	/**
	 * Whether the JDK's shutdown scan is on and must keep every task: by then this executor has
	 * already dropped, in bulk, what the scan would have dropped one task at a time. Its first
	 * look at a decorated task starts that drop.
	 */
	boolean keepsInShutdownScan() {
		Rework rework = currentRework();
		if (rework == null || rework.inBulk) {
			return false;
		}
		if (rework.mode == SHUTDOWN_SCAN) {
			dropWhatShutdownDrops(rework);
			return true;
		}
		return rework.mode == SHUTDOWN_SCANNED;
	}

	/**
	 * Runs inside the JDK's shutdown, at its first look at a decorated task: takes out and
	 * cancels what the shutdown policies drop, and the cancelled tasks, as the JDK would.
	 */
	private void dropWhatShutdownDrops(Rework rework) {
		rework.mode = SHUTDOWN_SCANNED;
		boolean keepPeriodic = getContinueExistingPeriodicTasksAfterShutdownPolicy();
		boolean keepDelayed = getExecuteExistingDelayedTasksAfterShutdownPolicy();
		List<Runnable> dropped = new ArrayList<>();
		// Tasks asked from here get true answers: a subclass's own task around ours forwards
		// to it, and the heap is rebuilt from true delays.
		rework.inBulk = true;
		try {
			QueueLock.run(getQueue(), () -> rework((task) -> {
				if (!(task instanceof TrackedScheduledFuture<?>)) {
					rework.mixed = true;
				}
				RunnableScheduledFuture<?> future = real((RunnableScheduledFuture<?>) task);
				return !(future.isCancelled() || (future.isPeriodic() ? !keepPeriodic
						: (!keepDelayed && future.getDelay(TimeUnit.NANOSECONDS) > 0)));
			}, dropped));
			for (Runnable task : dropped) {
				real((RunnableScheduledFuture<?>) task).cancel(false);
				discarded(task);
			}
		}
		finally {
			rework.inBulk = false;
		}
	}

	/**
	 * Takes every task out of the queue and puts back those to keep, in time linear in the
	 * queue's length: a copy of the heap's array, a clear, and re-adding in heap order, which
	 * moves few tasks. Must run while holding the queue's lock ({@link QueueLock}), or inside
	 * a queue method that holds it.
	 * @param keep which tasks go back
	 * @param dropped receives the others
	 */
	private void rework(Predicate<Runnable> keep, List<Runnable> dropped) {
		BlockingQueue<Runnable> queue = getQueue();
		Object[] tasks = queue.toArray();
		queue.clear();
		for (Object task : tasks) {
			Runnable runnable = (Runnable) task;
			if (keep.test(runnable)) {
				queue.add(runnable);
			}
			else {
				dropped.add(runnable);
			}
		}
	}

	private static RunnableScheduledFuture<?> real(RunnableScheduledFuture<?> task) {
		return (task instanceof TrackedScheduledFuture<?> tracked) ? tracked.delegate : task;
	}

	// Whether the JDK's task is calling remove from its cancel while the policy is off, which
	// the raw executor would not do: the task stays queued, cancelled, and is counted retained
	// if it is one accepted undecorated. A task that is not queued is none of those: the JDK's
	// own task inside a decorated one (never queued; its cancellation is counted by the
	// decorated one) is the common case, and is told without walking the stack, by the queue's
	// constant-time look-up of the JDK's tasks; removing it finds nothing, as the JDK expects.
	private boolean cancelledWithThePolicyOff(Runnable task) {
		if (!(task instanceof Future<?> future) || !future.isCancelled() || !getQueue().contains(task)
				|| !calledByTheJdksCancel()) {
			return false;
		}
		try {
			this.removableTasks.retain(task);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
		return true;
	}

	// Whether remove was called by the JDK's task's cancel, through a subclass's remove maybe.
	private boolean calledByTheJdksCancel() {
		return STACK_WALKER.walk((frames) -> frames
			.filter((frame) -> !this.ownClassNames.contains(frame.getClassName()))
			.findFirst()
			.map((frame) -> frame.getClassName().equals(JDK_TASK) && frame.getMethodName().equals("cancel"))
			.orElse(false));
	}

	private void discarded(Runnable task) {
		if (task instanceof TrackedScheduledFuture<?> tracked) {
			tracked.onDiscard();
			return;
		}
		try {
			this.removableTasks.discard(task, false);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	void rejected(Runnable task) {
		if (task instanceof TrackedScheduledFuture<?> tracked) {
			tracked.onReject();
			return;
		}
		try {
			this.removableTasks.discard(task, true);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	@Override
	protected void afterExecute(Runnable task, @Nullable Throwable failure) {
		super.afterExecute(task, failure);
		try {
			this.removableTasks.afterRun(task);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	// The JDK's shutdown cancels queued tasks after taking them out of the queue, where an
	// undecorated task cannot report it.
	private void sweepRemovable() {
		try {
			this.removableTasks.sweepDone(this::queued);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	// Constant time for the JDK's own task, which knows its place in the queue.
	private boolean queued(Future<?> task) {
		return getQueue().contains(task);
	}

	@Override
	protected void terminated() {
		super.terminated();
		try {
			this.removableTasks.sweepDone(this::queued);
			this.tracker.close();
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	@Override
	public void setRejectedExecutionHandler(RejectedExecutionHandler handler) {
		super.setRejectedExecutionHandler(new TrackingRejectedExecutionHandler(handler));
	}

	@Override
	public RejectedExecutionHandler getRejectedExecutionHandler() {
		RejectedExecutionHandler handler = super.getRejectedExecutionHandler();
		return (handler instanceof TrackingRejectedExecutionHandler tracking) ? tracking.delegate : handler;
	}

	/**
	 * A shutdown, shutdownNow or policy setter's scan under way on its owner thread. Its fields
	 * are used by that thread only. Each thread has its own: should two threads shut down at
	 * once, each thread's scan, run one after the other under the executor's lock (a setter's
	 * without it, under the queue's lock for its bulk rework), drops in bulk and then keeps
	 * every task. Were one of them to get the JDK's task-by-task scan instead, that scan would
	 * take tasks out with the queue's own {@code remove}, which tells this executor nothing, and
	 * cancel them after: a periodic task would be counted retained though out of the queue, and
	 * a task already cancelled and retained would never be released.
	 */
	private static final class Rework {

		final Thread owner = Thread.currentThread();

		int mode;

		// While this executor reworks the queue itself: its tasks answer truly.
		boolean inBulk;

		// Whether the shutdown scan found a task not of this executor's own kind: the JDK's own,
		// or a subclass's, which may compare itself with ours by asking for our delay.
		boolean mixed;

		final List<Runnable> stopped = new ArrayList<>();

		Rework(int mode) {
			this.mode = mode;
		}

	}

	// Never in a queue: removing it only lets the executor check whether it can terminate.
	private static final Runnable NOT_QUEUED = () -> {
	};

	// Holds the executor weakly, as its tracker does: the registry holds the probe, and an
	// executor the application dropped with no thread left must stay collectable.
	private static final class Probe implements SchedulerProbe {

		private final WeakReference<TrackingScheduledThreadPoolExecutor> executor;

		private final SchedulerTracker tracker;

		Probe(TrackingScheduledThreadPoolExecutor executor) {
			this.executor = new WeakReference<>(executor);
			this.tracker = executor.tracker;
		}

		@Override
		public int poolSize() {
			TrackingScheduledThreadPoolExecutor executor = this.executor.get();
			return (executor != null) ? executor.getPoolSize() : -1;
		}

		@Override
		public int queueSize() {
			TrackingScheduledThreadPoolExecutor executor = this.executor.get();
			return (executor != null) ? executor.getQueue().size() : -1;
		}

		@Override
		public long retainedCancelled() {
			return this.tracker.countedRetainedCancelled();
		}

		// The tasks wait in the executor's own queue, which is collected with it.
		@Override
		public boolean pendingTasksOutliveTheScheduler() {
			return false;
		}

	}

}
