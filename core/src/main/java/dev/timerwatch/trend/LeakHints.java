package dev.timerwatch.trend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TaskKind;
import org.jspecify.annotations.Nullable;

/**
 * Names what looks wrong with an origin and the fix that applies. The fixes are the same
 * handful in every incident: cancel what you schedule on every exit path, reuse one timer
 * instead of one per call, turn on remove-on-cancel.
 */
public final class LeakHints {

	/** More and more of the origin's tasks outlive its healthy lifetimes. */
	public static final String GROWING = "growing";

	/** Its scheduler keeps cancelled tasks queued. */
	public static final String RETAINED_CANCELLED = "retained-cancelled";

	/** No application frame was found for it. */
	public static final String UNKNOWN_ORIGIN = "unknown-origin";

	/** Some of its runs threw. */
	public static final String FAILING = "failing";

	private LeakHints() {
	}

	/**
	 * The flags that apply to an origin.
	 * @param origin the origin
	 * @param leaking whether it is leaking
	 * @param retainedOnScheduler cancelled tasks its scheduler retains, or -1 if unknown
	 * @return the flags, possibly empty
	 */
	public static List<String> flags(OriginStats origin, boolean leaking, long retainedOnScheduler) {
		List<String> flags = new ArrayList<>();
		if (leaking) {
			flags.add(GROWING);
		}
		if (retainedOnScheduler > 0 && origin.cancelled() > 0) {
			flags.add(RETAINED_CANCELLED);
		}
		if (origin.origin().isUnknown()) {
			flags.add(UNKNOWN_ORIGIN);
		}
		if (origin.failedRuns() > 0) {
			flags.add(FAILING);
		}
		return flags;
	}

	/**
	 * One line saying what is wrong and how to fix it.
	 * @param origin the origin
	 * @param leaking whether it is leaking
	 * @param retainedOnScheduler cancelled tasks its scheduler retains, or -1 if unknown
	 * @return the hint, or {@code null} if nothing looks wrong
	 */
	public static @Nullable String hint(OriginStats origin, boolean leaking, long retainedOnScheduler) {
		if (leaking) {
			return leakHint(origin);
		}
		if (retainedOnScheduler > 0 && origin.cancelled() > 0) {
			return "cancelled tasks retained in the queue until their delay expires: "
					+ "set remove-on-cancel (setRemoveOnCancelPolicy(true))";
		}
		if (origin.origin().isUnknown()) {
			return "no application frame found: add your scheduling helper's package to "
					+ "timerwatch.origin.exclude-packages or raise timerwatch.origin.max-depth";
		}
		return null;
	}

	/** The fix for threads left behind. */
	public static final String THREAD_FIX = "create one executor or Timer and reuse it; shut down what you create";

	private static String leakHint(OriginStats origin) {
		Set<TaskKind> kinds = origin.kinds();
		if (kinds.contains(TaskKind.THREAD)) {
			return "an executor, Timer or thread started per call and never shut down: " + THREAD_FIX;
		}
		if (origin.origin().isScheduledMethod()) {
			return "tasks of a @Scheduled method keep piling up: its bean may be created again and again "
					+ "(non-singleton scope), or the method schedules new tasks on each run";
		}
		if (kinds.stream().anyMatch(TaskKind::isPeriodic)) {
			return "periodic task never cancelled: keep the ScheduledFuture and cancel it on every exit path, "
					+ "or start one task and reuse it";
		}
		return "one-shot tasks scheduled faster than they run or are cancelled: cancel the ScheduledFuture "
				+ "when the awaited reply arrives, or reuse one timer instead of one per call";
	}

	/**
	 * The report logged once when an origin starts leaking, in the style of Netty's leak
	 * reports: one grep-able prefix, what the code failed to do, where, the figures, the fix,
	 * and how to see more.
	 * @param verdict the leaking origin's verdict
	 * @return the message
	 */
	public static String leakMessage(OriginVerdict verdict) {
		return leakMessage(verdict, false);
	}

	/**
	 * The report logged once when an origin starts leaking, as {@link #leakMessage(OriginVerdict)}.
	 * @param verdict the leaking origin's verdict
	 * @param stacksShown whether the endpoint shows creating stacks to every reader already, in
	 * which case the report does not ask for them to be shown
	 * @return the message
	 */
	public static String leakMessage(OriginVerdict verdict, boolean stacksShown) {
		OriginStats origin = verdict.origin();
		Set<TaskKind> kinds = origin.kinds();
		if (kinds.contains(TaskKind.THREAD)) {
			return String.format(Locale.ROOT,
					"TIMER LEAK: executors, Timers or threads started at %s are not shut down; %,d of them alive, %s. "
							+ "Fix: %s. Details and their thread names: GET /actuator/timers/%s%s.",
					origin.origin().describe(), verdict.pending(), verdict.evidence(), THREAD_FIX, origin.id(),
					stacksShown ? "" : " (set management.endpoint.timers.show-details=always for the starting stack)");
		}
		String what = kinds.stream().anyMatch(TaskKind::isPeriodic) ? "periodic tasks" : "one-shot tasks";
		String failure;
		if (origin.origin().isScheduledMethod()) {
			failure = "@Scheduled method " + origin.origin().describe() + " keeps being scheduled again;";
		}
		else if (origin.origin().isUnknown()) {
			failure = "ScheduledFuture returned at an unknown call site (no application frame within "
					+ "timerwatch.origin.max-depth) is not cancelled;";
		}
		else {
			failure = "ScheduledFuture returned at " + origin.origin().describe() + " is not cancelled;";
		}
		return String.format(Locale.ROOT,
				"TIMER LEAK: %s %,d %s pending on scheduler '%s', %s. Fix: %s. Details: GET /actuator/timers/%s%s.",
				failure, verdict.pending(), what, origin.schedulerName(), verdict.evidence(), leakHint(origin),
				origin.id(),
				stacksShown ? "" : " (set management.endpoint.timers.show-details=always for the creating stack)");
	}

}
