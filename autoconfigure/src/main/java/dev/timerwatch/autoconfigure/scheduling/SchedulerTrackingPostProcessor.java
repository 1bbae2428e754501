package dev.timerwatch.autoconfigure.scheduling;

import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import dev.timerwatch.scheduling.ScheduledThreadPoolSettings;
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
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;
import org.springframework.beans.factory.config.SmartInstantiationAwareBeanPostProcessor;
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
 *
 * <p>A scheduler bean in a circular reference is handed to the bean that refers back to it
 * before its own initialization, as its early reference: it is tracked then, once, as Spring's
 * own auto-proxy creators do, and Spring makes that tracked object the bean. Tracking it only
 * after its initialization would leave the other bean holding the raw scheduler: Spring then
 * fails startup, or, for a bean it was creating first of all, logs that it skips it and creates
 * it again, the other bean holding an untracked scheduler that is not the bean.
 *
 * <p>Spring destroys a bean through the instance it created: for a replaced
 * {@code ScheduledThreadPoolExecutor}, the original, unused. Just before it does, its copy gets
 * the same destruction (the bean's destroy methods, inferred {@code shutdown} by default), so
 * that the executor the application used is shut down when the context closes, as it was
 * without timerwatch, and left running where the bean has no destroy method.
 */
public class SchedulerTrackingPostProcessor implements SmartInstantiationAwareBeanPostProcessor,
		DestructionAwareBeanPostProcessor, BeanFactoryAware, SmartInitializingSingleton, Ordered {

	private static final Log logger = LogFactory.getLog(SchedulerTrackingPostProcessor.class);

	private static final Object EARLY = new Object();

	private final ObjectProvider<TimerRegistry> registry;

	// Replaced once the bean factory is known, which tells a test context that overrides beans.
	private volatile SchedulerTracking tracking;

	private final Map<String, String> untracked = new LinkedHashMap<>();

	// The schedulers whose early reference went out, tracked or left alone, by bean name, until
	// their initialization ends: EARLY, or the copy that replaced a ScheduledThreadPoolExecutor.
	private final Map<String, Object> earlyReferences = new ConcurrentHashMap<>(16);

	// The ScheduledThreadPoolExecutor originals replaced by copies, until Spring destroys them.
	private final ReplacedExecutors replaced = new ReplacedExecutors();

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
	public Object getEarlyBeanReference(Object bean, String beanName) throws BeansException {
		if (!(bean instanceof TaskScheduler || bean instanceof ScheduledExecutorService)) {
			return bean;
		}
		// Decided here once: the bean's initialization has not run yet, and its early reference
		// is what the application gets, whatever is returned for it afterwards.
		Object tracked = track(bean, beanName);
		this.earlyReferences.put(beanName,
				(tracked != bean && tracked instanceof TrackingScheduledThreadPoolExecutor copy
						&& bean instanceof ScheduledThreadPoolExecutor original) ? new EarlyCopy(copy, original) : EARLY);
		return tracked;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Object early = this.earlyReferences.remove(beanName);
		if (early == null) {
			return track(bean, beanName);
		}
		if (early instanceof EarlyCopy copy) {
			copy.catchUp(beanName);
		}
		// The bean as it was given, which tells Spring to use its early reference.
		return bean;
	}

	private Object track(Object bean, String beanName) {
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
		// that rejects every task. Spring destroys it at the context's close, and the copy with it.
		TrackingScheduledThreadPoolExecutor copy = TrackingScheduledThreadPoolExecutor.copyOf(executor,
				this.registry.getObject(), beanName);
		this.replaced.add(executor, copy, mergedDefinition(beanName));
		return copy;
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

	/**
	 * A {@link ScheduledThreadPoolExecutor} whose tracking copy was made before its
	 * initialization (its properties set, its init method run) and handed out as its early
	 * reference. What the initialization changed on the original is made on the copy once it
	 * has run; a setting the original still has as when copied is left as the copy has it.
	 */
	private final class EarlyCopy {

		private final TrackingScheduledThreadPoolExecutor copy;

		private final ScheduledThreadPoolExecutor original;

		private final ScheduledThreadPoolSettings copied;

		EarlyCopy(TrackingScheduledThreadPoolExecutor copy, ScheduledThreadPoolExecutor original) {
			this.copy = copy;
			this.original = original;
			this.copied = ScheduledThreadPoolSettings.of(original);
		}

		void catchUp(String beanName) {
			ScheduledThreadPoolSettings.of(this.original).applyChanges(this.copied, this.copy);
			ScheduledThreadPoolExecutor original = this.original;
			if (original.isShutdown() || original.getTaskCount() > 0 || original.getPoolSize() > 0) {
				untracked(original, beanName, "its initialization started threads or accepted tasks on it after its "
						+ "tracking copy had been injected into a circular reference; those run untracked");
			}
		}

	}

	@Override
	public boolean requiresDestruction(Object bean) {
		return this.replaced.contains(bean);
	}

	@Override
	public void postProcessBeforeDestruction(Object bean, String beanName) throws BeansException {
		// Called with the original, before Spring destroys it; never throws.
		this.replaced.destroy(bean, beanName);
	}

	// Read when the copy is made, as Spring reads it when it registers the bean's destruction:
	// a definition removed from the factory is gone by the time its bean is destroyed.
	private @Nullable RootBeanDefinition mergedDefinition(String beanName) {
		try {
			if (this.beanFactory != null && this.beanFactory.containsBeanDefinition(beanName)
					&& this.beanFactory.getMergedBeanDefinition(beanName) instanceof RootBeanDefinition root) {
				return root;
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read the definition of bean '" + beanName
					+ "'; its tracking copy gets Spring's inferred destroy method", ex);
		}
		// An inner bean, say: Spring's inference.
		return null;
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
