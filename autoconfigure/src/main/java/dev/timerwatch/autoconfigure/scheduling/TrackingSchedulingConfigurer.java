package dev.timerwatch.autoconfigure.scheduling;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.Ordered;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.scheduling.config.TaskSchedulerRouter;

/**
 * Tracks the scheduler that runs the {@code @Scheduled} methods when it is no bean: the one a
 * {@code SchedulingConfigurer} sets ({@code registrar.setScheduler(Executors.newScheduledThreadPool(4))},
 * the tutorial pattern), and the registrar's own fallback when the context has no scheduler.
 *
 * <p>Spring calls every {@code SchedulingConfigurer} in order before the registrar schedules
 * anything; this one is ordered last, so it sees what the application's configurers set. It
 * leaves a scheduler that is tracked already (a scheduler bean, or a tracked executor bean
 * that the registrar adapted) as it is, so nothing is counted twice. When no configurer set
 * one, the registrar holds Spring's {@link TaskSchedulerRouter}, which finds the scheduler
 * beans (tracked as beans) when a task is scheduled; when the context has no
 * {@code TaskScheduler} or {@code ScheduledExecutorService} bean, the router would fall back on
 * a single-threaded executor of its own, so this configurer creates the same one, tracked, and
 * shuts it down with the context as Spring would.
 */
public final class TrackingSchedulingConfigurer implements SchedulingConfigurer, Ordered, DisposableBean {

	static final String SCHEDULER_NAME = "scheduledTaskRegistrar";

	private final SchedulerTracking tracking;

	private final ListableBeanFactory beanFactory;

	private volatile @Nullable ScheduledExecutorService fallback;

	public TrackingSchedulingConfigurer(SchedulerTracking tracking, ListableBeanFactory beanFactory) {
		this.tracking = tracking;
		this.beanFactory = beanFactory;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		TaskScheduler scheduler = registrar.getScheduler();
		if (scheduler != null && !(scheduler instanceof TaskSchedulerRouter)) {
			registrar.setTaskScheduler(this.tracking.track(scheduler, SCHEDULER_NAME));
		}
		// Spring's own router, which no configurer replaced, routes to the scheduler beans
		// (tracked as beans) or, when there are none, to a fallback executor of its own.
		else if (registrar.hasTasks() && !hasSchedulerBean()) {
			ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
			this.fallback = executor;
			registrar.setTaskScheduler(this.tracking.track(new ConcurrentTaskScheduler(executor), SCHEDULER_NAME));
		}
	}

	// The beans ScheduledAnnotationBeanPostProcessor looks for once the configurers are done.
	private boolean hasSchedulerBean() {
		return this.beanFactory.getBeanNamesForType(TaskScheduler.class, true, false).length > 0
				|| this.beanFactory.getBeanNamesForType(ScheduledExecutorService.class, true, false).length > 0;
	}

	@Override
	public void destroy() {
		ScheduledExecutorService executor = this.fallback;
		if (executor != null) {
			executor.shutdownNow();
		}
	}

}
