package dev.timerwatch.threads;

/**
 * A stream of thread starts and ends that tells {@link ThreadOrigins}. Kept behind this
 * interface so that the JDK Flight Recorder classes are loaded only where it is tried: a
 * runtime without the {@code jdk.jfr} module fails there, not in {@link ThreadOrigins}.
 */
interface ThreadStartSource extends AutoCloseable {

	/**
	 * Start delivering events, before returning, to the given listener.
	 * @param listener receives each start and end
	 * @throws Exception if the source cannot start
	 */
	void start(Listener listener) throws Exception;

	@Override
	void close();

	/**
	 * Receives the events of a {@link ThreadStartSource}, on the source's own thread.
	 */
	interface Listener {

		/**
		 * A thread was started.
		 * @param threadId the started thread's id
		 * @param threadName its name
		 * @param stack the starting stack, top frame first; possibly truncated at the bottom
		 * @param startedMillis when it started, in epoch milliseconds: the event's own time,
		 * not its delivery's
		 */
		void started(long threadId, String threadName, StackTraceElement[] stack, long startedMillis);

		/**
		 * A thread ended.
		 * @param threadId the ended thread's id
		 */
		void ended(long threadId);

		/**
		 * The source has delivered the events it had: called after each batch, about once a
		 * second, whether or not it held any event.
		 */
		void flushed();

		/**
		 * The source stopped delivering on its own, not closed by its owner: its recording
		 * was stopped or closed from outside (a {@code jcmd JFR.stop}, say), or reading it
		 * failed. No event follows.
		 * @param reason what stopped it
		 */
		void stopped(String reason);

	}

}
