package dev.timerwatch.threads;

import java.util.List;

import dev.timerwatch.tracking.TaskOrigin;

/**
 * Where one thread was started: the application line that started it, as a task's origin is
 * named, and the starting stack from that line on. Immutable.
 */
public final class ThreadOrigin {

	/** The {@link #startedMillis()} of a thread whose start time is not known. */
	public static final long UNKNOWN_TIME = -1;

	private final long threadId;

	private final String threadName;

	private final TaskOrigin origin;

	private final List<StackTraceElement> startStack;

	private final String starterClass;

	private final boolean startedDirectly;

	private final long startedMillis;

	/**
	 * Create a thread's origin.
	 * @param threadId the started thread's id
	 * @param threadName its name when it started
	 * @param origin the application line that started it, or {@link TaskOrigin#unknown()} if its
	 * starting stack has none
	 * @param startStack the starting stack from the application line on (the whole recorded
	 * stack if it has no application frame)
	 */
	public ThreadOrigin(long threadId, String threadName, TaskOrigin origin, List<StackTraceElement> startStack) {
		this(threadId, threadName, origin, startStack, "", false);
	}

	/**
	 * Create a thread's origin, knowing what called {@code Thread.start}.
	 * @param threadId the started thread's id
	 * @param threadName its name when it started
	 * @param origin the application line that started it, or {@link TaskOrigin#unknown()}
	 * @param startStack the starting stack from the application line on
	 * @param starterClass the class whose code called {@code Thread.start} ({@code java.util.Timer},
	 * {@code java.util.concurrent.ThreadPoolExecutor}, an application class), empty if unknown
	 * @param startedDirectly whether the application line itself called {@code Thread.start}
	 */
	public ThreadOrigin(long threadId, String threadName, TaskOrigin origin, List<StackTraceElement> startStack,
			String starterClass, boolean startedDirectly) {
		this(threadId, threadName, origin, startStack, starterClass, startedDirectly, UNKNOWN_TIME);
	}

	/**
	 * Create a thread's origin, knowing what called {@code Thread.start} and when.
	 * @param threadId the started thread's id
	 * @param threadName its name when it started
	 * @param origin the application line that started it, or {@link TaskOrigin#unknown()}
	 * @param startStack the starting stack from the application line on
	 * @param starterClass the class whose code called {@code Thread.start}, empty if unknown
	 * @param startedDirectly whether the application line itself called {@code Thread.start}
	 * @param startedMillis when it started, in epoch milliseconds, or {@link #UNKNOWN_TIME}
	 */
	public ThreadOrigin(long threadId, String threadName, TaskOrigin origin, List<StackTraceElement> startStack,
			String starterClass, boolean startedDirectly, long startedMillis) {
		this.startedMillis = startedMillis;
		this.threadId = threadId;
		this.threadName = threadName;
		this.origin = origin;
		this.startStack = List.copyOf(startStack);
		this.starterClass = starterClass;
		this.startedDirectly = startedDirectly;
	}

	public long threadId() {
		return this.threadId;
	}

	/**
	 * The thread's name when it started; it may have been renamed since.
	 * @return the name
	 */
	public String threadName() {
		return this.threadName;
	}

	/**
	 * The application line that started the thread, as in a stack trace:
	 * {@code com.example.InvoiceMailer.send(InvoiceMailer.java:57)}.
	 * @return the origin, {@link TaskOrigin#unknown()} if no application frame started it
	 */
	public TaskOrigin origin() {
		return this.origin;
	}

	/**
	 * The stack that started the thread, from its application frame on.
	 * @return the frames, possibly empty
	 */
	public List<StackTraceElement> startStack() {
		return this.startStack;
	}

	/**
	 * The class whose code called {@code Thread.start}: the application's own class for a
	 * thread it started itself, the executor's or the Timer's class for their threads.
	 * @return the binary class name, empty if the stack did not say
	 */
	public String starterClass() {
		return this.starterClass;
	}

	/**
	 * Whether the application line called {@code Thread.start} itself, rather than through a
	 * library (an executor starting a worker, a Timer its thread).
	 * @return whether it was started directly
	 */
	public boolean startedDirectly() {
		return this.startedDirectly;
	}

	/**
	 * When the thread started, by the recorder's clock: the time of its start, which the
	 * recorder tells about a second later.
	 * @return epoch milliseconds, or {@link #UNKNOWN_TIME}
	 */
	public long startedMillis() {
		return this.startedMillis;
	}

	@Override
	public String toString() {
		return "'" + this.threadName + "' started at " + this.origin.describe();
	}

}
