package dev.timerwatch.autoconfigure.scheduling;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.Ordered;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.scheduling.config.TaskManagementConfigUtils;
import org.springframework.scheduling.config.TaskSchedulerRouter;

/**
 * Tracks the scheduler that runs the {@code @Scheduled} methods when it is no bean: the one a
 * {@code SchedulingConfigurer} sets ({@code registrar.setScheduler(Executors.newScheduledThreadPool(4))},
 * the tutorial pattern), and the fallback executor Spring creates when the context has no
 * scheduler.
 *
 * <p>Spring calls every {@code SchedulingConfigurer} in order before the registrar schedules
 * anything; this one is ordered last, so it sees what the application's configurers set, and
 * tracks it unless it is tracked already (a scheduler bean, or a tracked executor bean that
 * the registrar adapted), so nothing is counted twice. When no configurer set one, the
 * registrar holds Spring's {@link TaskSchedulerRouter}, which finds the scheduler for each
 * task (a qualified bean, the default bean, in this context or a parent, or its own fallback
 * executor) the first time it is needed. That router is replaced by a subclass that decides
 * exactly as Spring's does and tracks the default scheduler it settles on if that is not
 * tracked already: in practice, the fallback.
 */
public final class TrackingSchedulingConfigurer implements SchedulingConfigurer, Ordered, DisposableBean {

	static final String SCHEDULER_NAME = "scheduledTaskRegistrar";

	private final SchedulerTracking tracking;

	private final BeanFactory beanFactory;

	private volatile @Nullable TaskSchedulerRouter router;

	public TrackingSchedulingConfigurer(SchedulerTracking tracking, BeanFactory beanFactory) {
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
		if (scheduler == null) {
			return;
		}
		if (scheduler.getClass() == TaskSchedulerRouter.class) {
			TaskSchedulerRouter router = new TrackingRouter(this.tracking);
			// As ScheduledAnnotationBeanPostProcessor configures its own.
			router.setBeanName(TaskManagementConfigUtils.SCHEDULED_ANNOTATION_PROCESSOR_BEAN_NAME);
			router.setBeanFactory(this.beanFactory);
			this.router = router;
			registrar.setTaskScheduler(router);
			return;
		}
		registrar.setTaskScheduler(this.tracking.track(scheduler, SCHEDULER_NAME));
	}

	@Override
	public void destroy() {
		TaskSchedulerRouter router = this.router;
		if (router != null) {
			// Shuts down the fallback executor, if the router created one.
			router.destroy();
		}
	}

	/**
	 * Spring's router, tracking the default scheduler it settles on.
	 */
	private static final class TrackingRouter extends TaskSchedulerRouter {

		private final SchedulerTracking tracking;

		TrackingRouter(SchedulerTracking tracking) {
			this.tracking = tracking;
		}

		@Override
		protected TaskScheduler determineDefaultScheduler() {
			TaskScheduler scheduler = super.determineDefaultScheduler();
			return SchedulerTracking.isTracked(scheduler) ? scheduler : this.tracking.track(scheduler, SCHEDULER_NAME);
		}

	}

}
