package dev.timerwatch.scheduling;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ScheduledThreadPoolSettingsTests {

	@Test
	void appliesEverySettingThatChangedSinceTheEarlierOnes() {
		ScheduledThreadPoolExecutor original = new ScheduledThreadPoolExecutor(1);
		ScheduledThreadPoolExecutor target = new ScheduledThreadPoolExecutor(1);
		ScheduledThreadPoolSettings earlier = ScheduledThreadPoolSettings.of(original);
		ThreadFactory threadFactory = Executors.defaultThreadFactory();
		ThreadPoolExecutor.DiscardPolicy handler = new ThreadPoolExecutor.DiscardPolicy();
		original.setCorePoolSize(4);
		original.setThreadFactory(threadFactory);
		original.setRejectedExecutionHandler(handler);
		original.setKeepAliveTime(7, TimeUnit.SECONDS);
		original.allowCoreThreadTimeOut(true);
		original.setRemoveOnCancelPolicy(true);
		original.setContinueExistingPeriodicTasksAfterShutdownPolicy(true);
		original.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);

		ScheduledThreadPoolSettings.of(original).applyChanges(earlier, target);

		assertThat(ScheduledThreadPoolSettings.of(target)).isEqualTo(ScheduledThreadPoolSettings.of(original));
		assertThat(target.getThreadFactory()).isSameAs(threadFactory);
		assertThat(target.getRejectedExecutionHandler()).isSameAs(handler);
	}

	@Test
	void leavesASettingThatDidNotChangeAsTheTargetHasIt() {
		ScheduledThreadPoolExecutor original = new ScheduledThreadPoolExecutor(1);
		ScheduledThreadPoolExecutor target = new ScheduledThreadPoolExecutor(1);
		ScheduledThreadPoolSettings earlier = ScheduledThreadPoolSettings.of(original);
		// Changed on the target since: not the original's to undo.
		target.setCorePoolSize(5);
		target.setRemoveOnCancelPolicy(true);
		original.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);

		ScheduledThreadPoolSettings.of(original).applyChanges(earlier, target);

		assertThat(target.getCorePoolSize()).isEqualTo(5);
		assertThat(target.getRemoveOnCancelPolicy()).isTrue();
		assertThat(target.getExecuteExistingDelayedTasksAfterShutdownPolicy()).isFalse();
	}

	@Test
	void takesAKeepAliveOfZeroFromAnExecutorWhoseCoreThreadsStoppedTimingOut() {
		ScheduledThreadPoolExecutor original = new ScheduledThreadPoolExecutor(1);
		original.setKeepAliveTime(1, TimeUnit.SECONDS);
		original.allowCoreThreadTimeOut(true);
		ScheduledThreadPoolExecutor target = new ScheduledThreadPoolExecutor(1);
		target.setKeepAliveTime(1, TimeUnit.SECONDS);
		target.allowCoreThreadTimeOut(true);
		ScheduledThreadPoolSettings earlier = ScheduledThreadPoolSettings.of(original);
		// The JDK refuses a keep-alive of zero while core threads time out: this order only.
		original.allowCoreThreadTimeOut(false);
		original.setKeepAliveTime(0, TimeUnit.SECONDS);

		ScheduledThreadPoolSettings.of(original).applyChanges(earlier, target);

		assertThat(target.allowsCoreThreadTimeOut()).isFalse();
		assertThat(target.getKeepAliveTime(TimeUnit.NANOSECONDS)).isZero();
	}

}
