package dev.timerwatch.autoconfigure.scheduling;

import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import dev.timerwatch.scheduling.TrackingScheduledExecutorService;
import dev.timerwatch.scheduling.TrackingScheduledThreadPoolExecutor;
import dev.timerwatch.tracking.TimerRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.scope.ScopedObject;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.Ordered;
import org.springframework.scheduling.TaskScheduler;

/**
 * Puts every scheduler bean under tracking without changing the type it is injected as.
 * <ul>
 * <li>A {@link TaskScheduler} (Boot's {@code taskScheduler}, which runs every
 * {@code @Scheduled} method, among them) gets a class-based proxy
 * ({@link TrackingTaskSchedulerProxy}), so it is still a {@code ThreadPoolTaskScheduler} or a
 * user subclass wherever one is injected; one that is already a Spring AOP proxy gets the
 * tracking as its first advice instead.</li>
 * <li>A plain {@link ScheduledThreadPoolExecutor} that has not run anything yet is replaced by
 * a {@link TrackingScheduledThreadPoolExecutor} with the same configuration: a subclass, so
 * still injectable as declared, and exact to the last detail of the JDK's behaviour.</li>
 * <li>Any other {@link ScheduledExecutorService} declared as an interface type is wrapped in a
 * {@link TrackingScheduledExecutorService}.</li>
 * </ul>
 * Beans that cannot be tracked without changing their type are named, with the reason, in one
 * warning once all singletons exist. Mockito mocks and spies (a test's {@code @MockitoSpyBean})
 * are left as they are.
 */
public class SchedulerTrackingPostProcessor
		implements BeanPostProcessor, BeanFactoryAware, SmartInitializingSingleton, Ordered {

	private static final Log logger = LogFactory.getLog(SchedulerTrackingPostProcessor.class);

	private final ObjectProvider<TimerRegistry> registry;

	// Replaced once the bean factory is known, which tells a test context that overrides beans.
	private volatile SchedulerTracking tracking;

	private final Map<String, String> untracked = new LinkedHashMap<>();

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	public SchedulerTrackingPostProcessor(ObjectProvider<TimerRegistry> registry) {
		this.registry = registry;
		this.tracking = SchedulerTracking.of(registry::getObject, null);
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		this.tracking = SchedulerTracking.of(this.registry::getObject, beanFactory);
		if (beanFactory instanceof ConfigurableListableBeanFactory listable) {
			this.beanFactory = listable;
		}
	}

	@Override
	public int getOrder() {
		// After other post-processors, so that a user's own proxy is tracked as the bean
		// the application sees.
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		if (bean instanceof ScopedObject) {
			// A scoped proxy hands every call to its target, a bean of its own that is tracked:
			// tracking the proxy too would count each task twice.
			return bean;
		}
		if ((bean instanceof TaskScheduler || bean instanceof ScheduledExecutorService)
				&& this.tracking.leavesAlone(bean)) {
			// A test's mock or spy stays the object the test verifies.
			return bean;
		}
		if (bean instanceof TaskScheduler scheduler) {
			return trackTaskScheduler(scheduler, beanName);
		}
		if (bean instanceof ScheduledThreadPoolExecutor executor) {
			return trackThreadPoolExecutor(executor, beanName);
		}
		if (bean instanceof ScheduledExecutorService executor) {
			return trackExecutorService(executor, beanName);
		}
		return bean;
	}

	private Object trackTaskScheduler(TaskScheduler scheduler, String beanName) {
		SchedulerTracking.Tracked tracked = this.tracking.trackTaskScheduler(scheduler, beanName);
		return (tracked.reason() != null) ? untracked(scheduler, beanName, tracked.reason()) : tracked.scheduler();
	}

	private Object trackThreadPoolExecutor(ScheduledThreadPoolExecutor executor, String beanName) {
		if (executor instanceof TrackingScheduledThreadPoolExecutor) {
			return executor;
		}
		if (executor.getClass() != ScheduledThreadPoolExecutor.class) {
			return untracked(executor, beanName, "it is a subclass (" + executor.getClass().getName()
					+ ") of ScheduledThreadPoolExecutor; extend TrackingScheduledThreadPoolExecutor instead");
		}
		if (executor.isShutdown() || executor.getTaskCount() > 0 || executor.getPoolSize() > 0) {
			return untracked(executor, beanName,
					"it had already started threads or accepted tasks when its bean was created");
		}
		// The original is left as it is, unused, with no thread: the bean method may have kept a
		// reference to it (a field, a meter binder), which shutting it down would turn into one
		// that rejects every task.
		return TrackingScheduledThreadPoolExecutor.copyOf(executor, this.registry.getObject(), beanName);
	}

	private Object trackExecutorService(ScheduledExecutorService executor, String beanName) {
		if (executor instanceof TrackingScheduledExecutorService) {
			return executor;
		}
		Class<?> declared = declaredType(beanName);
		if (declared == null || !declared.isAssignableFrom(TrackingScheduledExecutorService.class)) {
			String type = (declared != null) ? declared.getName() : executor.getClass().getName();
			return untracked(executor, beanName, "it is declared as " + type
					+ ", which a tracking decorator is not; declare the bean as ScheduledExecutorService");
		}
		return new TrackingScheduledExecutorService(executor, this.registry.getObject(), beanName);
	}

	private @Nullable Class<?> declaredType(String beanName) {
		if (this.beanFactory == null || !this.beanFactory.containsBeanDefinition(beanName)) {
			return null;
		}
		BeanDefinition definition = this.beanFactory.getMergedBeanDefinition(beanName);
		if (definition instanceof RootBeanDefinition root) {
			Method factoryMethod = root.getResolvedFactoryMethod();
			if (factoryMethod != null) {
				return factoryMethod.getReturnType();
			}
			if (root.hasBeanClass()) {
				return root.getBeanClass();
			}
		}
		return null;
	}

	private Object untracked(Object bean, String beanName, String reason) {
		synchronized (this.untracked) {
			this.untracked.put(beanName, reason);
		}
		return bean;
	}

	@Override
	public void afterSingletonsInstantiated() {
		synchronized (this.untracked) {
			if (this.untracked.isEmpty()) {
				return;
			}
			StringBuilder message = new StringBuilder("timerwatch cannot track ")
				.append(this.untracked.size())
				.append(" scheduler bean(s); their tasks will not appear in /actuator/timers:");
			this.untracked.forEach((name, reason) -> message.append(System.lineSeparator())
				.append("  - '")
				.append(name)
				.append("': ")
				.append(reason));
			logger.warn(message);
		}
	}

}
