package dev.timerwatch.autoconfigure.scheduling;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.timerwatch.autoconfigure.TimerwatchAutoConfiguration;
import dev.timerwatch.fixtures.TimeoutClient;
import dev.timerwatch.scheduling.TrackingScheduledExecutorService;
import dev.timerwatch.scheduling.TrackingScheduledThreadPoolExecutor;
import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TimerRegistry;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.autoproxy.DefaultAdvisorAutoProxyCreator;
import org.springframework.aop.support.NameMatchMethodPointcutAdvisor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.BeanDefinitionBuilder;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.ErrorHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

/**
 * A scheduler bean in a circular reference is handed out before its initialization, to the
 * bean that refers back to it: tracking it only afterwards would leave that bean holding the
 * raw scheduler. In each circle here the scheduler is created before the bean referring back
 * (which is lazy), so it is the one handed out early. In most, it is created for an application
 * bean that uses it, and Spring would fail startup; in the one with an AOP proxy, it is created
 * first of all, and Spring would skip it and create it again, for the other bean to hold an
 * untracked scheduler that is not the bean.
 */
class CircularReferenceTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TimerwatchAutoConfiguration.class))
		.withPropertyValues("timerwatch.threads.enabled=false")
		.withAllowCircularReferences(true);

	@Test
	void aThreadPoolTaskSchedulerInACircularReferenceIsTrackedAsTheObjectInjected() {
		this.contextRunner.withBean(SchedulerUser.class)
			.withInitializer((context) -> registerThreadPoolTaskScheduler(context, "retryingErrorHandler"))
			.withBean("retryingErrorHandler", RetryingErrorHandler.class, RetryingErrorHandler::new,
					(definition) -> definition.setLazyInit(true))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ThreadPoolTaskScheduler injected = context.getBean(RetryingErrorHandler.class).scheduler;
				assertThat(injected).isSameAs(context.getBean("appScheduler"));
				assertThat(context.getBean(SchedulerUser.class).scheduler()).isSameAs(injected);
				assertTrackedThreadPoolTaskScheduler(context, injected);
				assertNothingLeftRemembered(context);
			});
	}

	@Test
	void aThreadPoolTaskSchedulerOutsideACircularReferenceIsTrackedAsBefore() {
		this.contextRunner.withInitializer((context) -> registerThreadPoolTaskScheduler(context, "loggingErrorHandler"))
			.withBean("loggingErrorHandler", LoggingErrorHandler.class, LoggingErrorHandler::new)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertTrackedThreadPoolTaskScheduler(context,
						context.getBean("appScheduler", ThreadPoolTaskScheduler.class));
			});
	}

	@Test
	void aSchedulerThatIsAlreadyAnAopProxyInACircularReferenceGetsTheTrackingOnceAsAnAdvice() {
		this.contextRunner.withInitializer((context) -> registerThreadPoolTaskScheduler(context, "retryingErrorHandler"))
			.withBean("retryingErrorHandler", RetryingErrorHandler.class, RetryingErrorHandler::new,
					(definition) -> definition.setLazyInit(true))
			.withBean(DefaultAdvisorAutoProxyCreator.class, () -> {
				DefaultAdvisorAutoProxyCreator creator = new DefaultAdvisorAutoProxyCreator();
				creator.setProxyTargetClass(true);
				// Before timerwatch's, as Spring's own auto-proxy creators are.
				creator.setOrder(Ordered.HIGHEST_PRECEDENCE);
				return creator;
			})
			.withBean(NameMatchMethodPointcutAdvisor.class, () -> {
				NameMatchMethodPointcutAdvisor advisor = new NameMatchMethodPointcutAdvisor(
						(MethodInterceptor) (invocation) -> invocation.proceed());
				advisor.setMappedName("getPoolSize");
				return advisor;
			})
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ThreadPoolTaskScheduler injected = context.getBean(RetryingErrorHandler.class).scheduler;
				assertThat(injected).isSameAs(context.getBean("appScheduler"));
				assertThat(injected).isInstanceOf(Advised.class);
				assertThat(((Advised) injected).getAdvisors())
					.filteredOn((advisor) -> advisor.getAdvice() instanceof TaskSchedulerTrackingInterceptor)
					.hasSize(1);
				assertTrackedThreadPoolTaskScheduler(context, injected);
				assertNothingLeftRemembered(context);
			});
	}

	@Test
	void aScheduledThreadPoolExecutorInACircularReferenceIsTrackedAsTheObjectInjectedWithItsWholeConfiguration() {
		this.contextRunner.withBean(ExecutorUser.class)
			.withInitializer((context) -> registerExecutor(context, "countingRejections"))
			.withBean("countingRejections", CountingRejections.class, CountingRejections::new,
					(definition) -> definition.setLazyInit(true))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ScheduledThreadPoolExecutor injected = context.getBean(CountingRejections.class).executor;
				assertThat(injected).isSameAs(context.getBean("executor"));
				assertThat(context.getBean(ExecutorUser.class).executor()).isSameAs(injected);
				assertTrackedExecutor(context, injected, context.getBean(CountingRejections.class));
				assertNothingLeftRemembered(context);
			});
	}

	@Test
	void aScheduledThreadPoolExecutorOutsideACircularReferenceIsTrackedAsBefore() {
		this.contextRunner.withInitializer((context) -> registerExecutor(context, "discardingRejections"))
			.withBean("discardingRejections", ThreadPoolExecutor.DiscardPolicy.class,
					ThreadPoolExecutor.DiscardPolicy::new)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertTrackedExecutor(context, context.getBean("executor", ScheduledThreadPoolExecutor.class),
						context.getBean("discardingRejections"));
			});
	}

	@Test
	void aScheduledExecutorServiceDeclaredByItsInterfaceInACircularReferenceIsTrackedAsTheObjectInjected() {
		this.contextRunner.withBean(ExecutorServiceUser.class)
			.withUserConfiguration(AuditedExecutorConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Auditor auditor = context.getBean(Auditor.class);
				ScheduledExecutorService injected = auditor.executor;
				assertThat(injected).isSameAs(context.getBean("auditedExecutor"));
				assertThat(context.getBean(ExecutorServiceUser.class).executor()).isSameAs(injected);
				assertThat(((AuditedExecutor) AuditedExecutorConfiguration.created).auditor).isSameAs(auditor);
				assertTrackedDecorator(context, injected, "auditedExecutor");
				assertNothingLeftRemembered(context);
			});
	}

	@Test
	void aScheduledExecutorServiceDeclaredByItsInterfaceOutsideACircularReferenceIsTrackedAsBefore() {
		this.contextRunner.withUserConfiguration(PlainExecutorConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertTrackedDecorator(context, context.getBean("plainExecutor", ScheduledExecutorService.class),
					"plainExecutor");
		});
	}

	// Registered by class, its settings and collaborator given as properties, as XML would: set
	// on the bean after Spring has made it and handed it out to a circular reference.
	private static void registerThreadPoolTaskScheduler(Object context, String errorHandler) {
		((GenericApplicationContext) context).registerBeanDefinition("appScheduler",
				BeanDefinitionBuilder.genericBeanDefinition(ThreadPoolTaskScheduler.class)
					.addPropertyValue("poolSize", 2)
					.addPropertyReference("errorHandler", errorHandler)
					.getBeanDefinition());
	}

	private static void registerExecutor(Object context, String rejectionHandler) {
		((GenericApplicationContext) context).registerBeanDefinition("executor",
				BeanDefinitionBuilder.genericBeanDefinition(ScheduledThreadPoolExecutor.class)
					.addConstructorArgValue(1)
					.addPropertyValue("corePoolSize", 3)
					.addPropertyValue("removeOnCancelPolicy", true)
					.addPropertyReference("rejectedExecutionHandler", rejectionHandler)
					.getBeanDefinition());
	}

	private static void assertTrackedThreadPoolTaskScheduler(AssertableApplicationContext context,
			ThreadPoolTaskScheduler scheduler) {
		assertThat(SchedulerTracking.isTracked(scheduler)).isTrue();
		// Initialized after it was proxied: the proxy reaches the executor it made.
		assertThat(scheduler.getScheduledThreadPoolExecutor().getCorePoolSize()).isEqualTo(2);
		ScheduledFuture<?> timeout = new TimeoutClient().timeout(scheduler);
		TimerRegistry registry = context.getBean(TimerRegistry.class);
		OriginStats origin = single(registry);
		assertThat(origin.schedulerName()).isEqualTo("appScheduler");
		assertThat(origin.origin().getClassName()).isEqualTo(TimeoutClient.class.getName());
		assertThat(origin.origin().getLineNumber()).isEqualTo(TimeoutClient.TASK_SCHEDULER_LINE);
		assertThat(origin.pending()).isEqualTo(1);
		// Its probe reads the executor made by the initialization, not one missing before it.
		assertThat(registry.schedulers()).singleElement()
			.satisfies((tracker) -> assertThat(tracker.probe().queueSize()).isEqualTo(1));
		assertThat(timeout.cancel(false)).isTrue();
		assertThat(origin.pending()).isZero();
	}

	private static void assertTrackedExecutor(AssertableApplicationContext context,
			ScheduledThreadPoolExecutor executor, Object rejectionHandler) {
		assertThat(executor).isInstanceOf(TrackingScheduledThreadPoolExecutor.class);
		// Set after Spring created the executor: a copy made when it was handed out early lacks
		// them until its initialization has run.
		assertThat(executor.getCorePoolSize()).isEqualTo(3);
		assertThat(executor.getRemoveOnCancelPolicy()).isTrue();
		assertThat(executor.getRejectedExecutionHandler()).isSameAs(rejectionHandler);
		ScheduledFuture<?> timeout = new TimeoutClient().timeout(executor);
		OriginStats origin = single(context.getBean(TimerRegistry.class));
		assertThat(origin.schedulerName()).isEqualTo("executor");
		assertThat(origin.origin().getLineNumber()).isEqualTo(TimeoutClient.EXECUTOR_LINE);
		assertThat(origin.pending()).isEqualTo(1);
		assertThat(timeout.cancel(false)).isTrue();
		assertThat(executor.getQueue()).isEmpty();
	}

	private static void assertTrackedDecorator(AssertableApplicationContext context, ScheduledExecutorService executor,
			String name) {
		assertThat(executor).isInstanceOf(TrackingScheduledExecutorService.class);
		ScheduledFuture<?> timeout = new TimeoutClient().timeout(executor);
		OriginStats origin = single(context.getBean(TimerRegistry.class));
		assertThat(origin.schedulerName()).isEqualTo(name);
		assertThat(origin.origin().getLineNumber()).isEqualTo(TimeoutClient.EXECUTOR_LINE);
		assertThat(origin.pending()).isEqualTo(1);
		assertThat(timeout.cancel(false)).isTrue();
		assertThat(origin.pending()).isZero();
	}

	// What the post-processor remembers of early references lasts only until the bean is made.
	private static void assertNothingLeftRemembered(AssertableApplicationContext context) {
		assertThat(context.getBean(SchedulerTrackingPostProcessor.class)).extracting("earlyReferences")
			.asInstanceOf(MAP)
			.isEmpty();
	}

	private static OriginStats single(TimerRegistry registry) {
		assertThat(registry.origins()).hasSize(1);
		return registry.origins().get(0);
	}

	// Application beans that use the schedulers, created before them: each scheduler is created
	// while one of them is, not first of all.
	record SchedulerUser(ThreadPoolTaskScheduler scheduler) {
	}

	record ExecutorUser(ScheduledThreadPoolExecutor executor) {
	}

	record ExecutorServiceUser(ScheduledExecutorService executor) {
	}

	static class RetryingErrorHandler implements ErrorHandler {

		@Autowired
		ThreadPoolTaskScheduler scheduler;

		@Override
		public void handleError(Throwable failure) {
		}

	}

	static class LoggingErrorHandler implements ErrorHandler {

		@Override
		public void handleError(Throwable failure) {
		}

	}

	static class CountingRejections implements RejectedExecutionHandler {

		@Autowired
		ScheduledThreadPoolExecutor executor;

		@Override
		public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AuditedExecutorConfiguration {

		static volatile ScheduledExecutorService created;

		@Bean(destroyMethod = "shutdownNow")
		ScheduledExecutorService auditedExecutor() {
			created = new AuditedExecutor(Executors.newSingleThreadScheduledExecutor());
			return created;
		}

		@Bean
		@Lazy
		Auditor auditor() {
			return new Auditor();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PlainExecutorConfiguration {

		@Bean(destroyMethod = "shutdownNow")
		ScheduledExecutorService plainExecutor() {
			return Executors.newSingleThreadScheduledExecutor();
		}

	}

	static class Auditor {

		@Autowired
		ScheduledExecutorService executor;

	}

	/**
	 * An executor of the application's own, which hands every call to another and is injected
	 * with a collaborator.
	 */
	static class AuditedExecutor implements ScheduledExecutorService {

		private final ScheduledExecutorService delegate;

		@Autowired
		Auditor auditor;

		AuditedExecutor(ScheduledExecutorService delegate) {
			this.delegate = delegate;
		}

		@Override
		public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
			return this.delegate.schedule(command, delay, unit);
		}

		@Override
		public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
			return this.delegate.schedule(callable, delay, unit);
		}

		@Override
		public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period,
				TimeUnit unit) {
			return this.delegate.scheduleAtFixedRate(command, initialDelay, period, unit);
		}

		@Override
		public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
				TimeUnit unit) {
			return this.delegate.scheduleWithFixedDelay(command, initialDelay, delay, unit);
		}

		@Override
		public void shutdown() {
			this.delegate.shutdown();
		}

		@Override
		public List<Runnable> shutdownNow() {
			return this.delegate.shutdownNow();
		}

		@Override
		public boolean isShutdown() {
			return this.delegate.isShutdown();
		}

		@Override
		public boolean isTerminated() {
			return this.delegate.isTerminated();
		}

		@Override
		public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
			return this.delegate.awaitTermination(timeout, unit);
		}

		@Override
		public <T> Future<T> submit(Callable<T> task) {
			return this.delegate.submit(task);
		}

		@Override
		public <T> Future<T> submit(Runnable task, T result) {
			return this.delegate.submit(task, result);
		}

		@Override
		public Future<?> submit(Runnable task) {
			return this.delegate.submit(task);
		}

		@Override
		public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
			return this.delegate.invokeAll(tasks);
		}

		@Override
		public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
				throws InterruptedException {
			return this.delegate.invokeAll(tasks, timeout, unit);
		}

		@Override
		public <T> T invokeAny(Collection<? extends Callable<T>> tasks)
				throws InterruptedException, ExecutionException {
			return this.delegate.invokeAny(tasks);
		}

		@Override
		public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
				throws InterruptedException, ExecutionException, TimeoutException {
			return this.delegate.invokeAny(tasks, timeout, unit);
		}

		@Override
		public void execute(Runnable command) {
			this.delegate.execute(command);
		}

	}

}
