package dev.timerwatch.autoconfigure.scheduling;

import java.lang.reflect.Method;
import java.util.Set;

import dev.timerwatch.misuse.Misuse;
import dev.timerwatch.misuse.MisuseDetector;
import dev.timerwatch.misuse.MisuseType;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.annotation.Schedules;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Reports, once all singletons exist, every {@code @Scheduled} method on a bean whose
 * instances are never destroyed before the context closes: a prototype, or a bean of a custom
 * scope. Spring schedules the method again for every instance, and cancels an instance's tasks
 * only when that instance is destroyed, which the request, session, application, websocket and
 * refresh scopes do at their end: those are not reported.
 */
public class ScheduledBeanScopeInspector implements SmartInitializingSingleton, BeanFactoryAware {

	// Scopes that destroy their beans at their end, when Spring cancels the beans' tasks.
	private static final Set<String> DESTROYING_SCOPES = Set.of("request", "session", "application", "websocket",
			"refresh");

	private final ObjectProvider<MisuseDetector> detector;

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	public ScheduledBeanScopeInspector(ObjectProvider<MisuseDetector> detector) {
		this.detector = detector;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		if (beanFactory instanceof ConfigurableListableBeanFactory listable) {
			this.beanFactory = listable;
		}
	}

	@Override
	public void afterSingletonsInstantiated() {
		MisuseDetector detector = this.detector.getIfAvailable();
		if (this.beanFactory == null || detector == null) {
			return;
		}
		for (String name : this.beanFactory.getBeanDefinitionNames()) {
			BeanDefinition definition = this.beanFactory.getMergedBeanDefinition(name);
			if (definition.isSingleton() || definition.isAbstract()
					|| DESTROYING_SCOPES.contains(definition.getScope())) {
				continue;
			}
			Class<?> type = this.beanFactory.getType(name, false);
			if (type == null) {
				continue;
			}
			Class<?> userType = ClassUtils.getUserClass(type);
			String scope = definition.isPrototype() ? "prototype" : definition.getScope();
			ReflectionUtils.doWithMethods(userType, (method) -> report(detector, name, scope, userType, method),
					ScheduledBeanScopeInspector::isScheduled);
		}
	}

	private static boolean isScheduled(Method method) {
		MergedAnnotations annotations = MergedAnnotations.from(method);
		return annotations.isPresent(Scheduled.class) || annotations.isPresent(Schedules.class);
	}

	private static void report(MisuseDetector detector, String beanName, String scope, Class<?> type, Method method) {
		detector.report(new Misuse(MisuseType.NON_SINGLETON, "", type.getName() + "#" + method.getName(), "",
				"bean '" + beanName + "' has scope '" + scope + "': every instance schedules this method again",
				null, System.currentTimeMillis()));
	}

}
