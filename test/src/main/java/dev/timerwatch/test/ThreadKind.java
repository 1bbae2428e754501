package dev.timerwatch.test;

/**
 * What a leaked thread is, read from its current stack: it tells what was not shut down.
 */
public enum ThreadKind {

	/** The thread of a {@code java.util.Timer}. */
	TIMER("java.util.Timer", "is not cancelled",
			"cancel the Timer (timer.cancel()) on every exit path, or create one Timer and reuse it"),

	/** A worker of an {@code ExecutorService} (a thread pool or a scheduled executor). */
	EXECUTOR("executor", "is not shut down",
			"shut down what you create (shutdown(), or close() on Java 19 and later) on every exit path, "
					+ "or create one executor and reuse it"),

	/** A worker of a {@code ForkJoinPool} other than the common pool. */
	FORK_JOIN_POOL("ForkJoinPool", "is not shut down",
			"shut down what you create (shutdown()) on every exit path, or create one pool and reuse it"),

	/** Any other thread. */
	THREAD("thread", "has not ended",
			"make the thread return when its work is done (interrupt it and join it), or start one and reuse it");

	private final String what;

	private final String failure;

	private final String fix;

	ThreadKind(String what, String failure, String fix) {
		this.what = what;
		this.failure = failure;
		this.fix = fix;
	}

	/**
	 * The kind of a live thread, from the frames it is running.
	 * @param stack the thread's current stack
	 * @return the kind
	 */
	static ThreadKind of(StackTraceElement[] stack) {
		for (StackTraceElement frame : stack) {
			String className = frame.getClassName();
			if (className.equals("java.util.TimerThread")) {
				return TIMER;
			}
			if (className.equals("java.util.concurrent.ThreadPoolExecutor")
					|| className.equals("java.util.concurrent.ThreadPoolExecutor$Worker")) {
				return EXECUTOR;
			}
			if (className.equals("java.util.concurrent.ForkJoinWorkerThread")) {
				return FORK_JOIN_POOL;
			}
		}
		return THREAD;
	}

	String what() {
		return this.what;
	}

	String failure() {
		return this.failure;
	}

	String fix() {
		return this.fix;
	}

}
