package dev.timerwatch.autoconfigure.scheduling;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import dev.timerwatch.scheduling.TaskAdmission;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.TargetClassAware;
import org.springframework.cglib.core.ClassLoaderAwareGeneratorStrategy;
import org.springframework.cglib.core.SpringNamingPolicy;
import org.springframework.cglib.proxy.Callback;
import org.springframework.cglib.proxy.CallbackFilter;
import org.springframework.cglib.proxy.Dispatcher;
import org.springframework.cglib.proxy.Enhancer;
import org.springframework.cglib.proxy.Factory;
import org.springframework.cglib.proxy.FixedValue;
import org.springframework.cglib.proxy.MethodInterceptor;
import org.springframework.cglib.proxy.MethodProxy;
import org.springframework.cglib.proxy.NoOp;
import org.springframework.objenesis.SpringObjenesis;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.ReflectionUtils;

/**
 * A class-based proxy of a {@link TaskScheduler} bean that tracks the tasks it schedules: a
 * subclass of the bean's class, so it is injected as that class wherever the bean is.
 *
 * <p>Not a Spring AOP proxy, on purpose. A scheduling method costs one call of a callback
 * chosen for it when the proxy class is generated (no advice chain looked up per call, no
 * method invocation object, no reflection), and every other public method is handed straight
 * to the bean. It also passes on whatever the bean throws unchanged, where Spring AOP wraps a
 * checked exception the method does not declare in an {@code UndeclaredThrowableException}.
 * Protected and package-private methods reach the bean by reflection. As with any class-based
 * proxy, a final method runs on the proxy itself, whose fields hold the bean's state as it was
 * when the proxy was made (see {@link #copyState}): the known limit README.md names.
 */
final class TrackingTaskSchedulerProxy {

	private static final int DISPATCH = 0;

	private static final int OWN = 1;

	private static final int IDENTITY = 2;

	private static final int TARGET_CLASS = 3;

	private static final int REFLECTIVE = 4;

	// Then one callback per kind of task, in TaskKind order, and last one for the methods that
	// take a Callable (all run it once).
	private static final int FIRST_KIND = 5;

	private static final TaskKind[] KINDS = TaskKind.values();

	private static final int CALLABLE = FIRST_KIND + KINDS.length;

	private static final SpringObjenesis objenesis = new SpringObjenesis();

	// Java 26 warns when a final field is written by reflection, and later ones will refuse it.
	private static final boolean WRITES_FINAL_FIELDS = Runtime.version().feature() < 26;

	private TrackingTaskSchedulerProxy() {
	}

	/**
	 * Create the proxy of a scheduler bean.
	 * @param target the bean
	 * @param type the bean's class, which the proxy extends
	 * @param tracker the scheduler's tracker
	 * @return the proxy
	 */
	static TaskScheduler create(TaskScheduler target, Class<?> type, SchedulerTracker tracker) {
		Enhancer enhancer = new Enhancer();
		ClassLoader classLoader = type.getClassLoader();
		enhancer.setSuperclass(type);
		enhancer.setInterfaces(new Class<?>[] { TargetClassAware.class });
		enhancer.setClassLoader(classLoader);
		enhancer.setStrategy(new ClassLoaderAwareGeneratorStrategy(classLoader));
		enhancer.setNamingPolicy(SpringNamingPolicy.INSTANCE);
		enhancer.setCallbackFilter(MethodRouting.INSTANCE);
		enhancer.setCallbackTypes(callbackTypes());
		Class<?> proxyType = enhancer.createClass();
		Callback[] callbacks = callbacks(target, type, new TaskSchedulerTracking(tracker));
		Object proxy = null;
		if (objenesis.isWorthTrying()) {
			try {
				proxy = objenesis.newInstance(proxyType, enhancer.getUseCache());
			}
			catch (Throwable ex) {
				// As Spring's own class proxies do: fall back to the no-argument constructor.
			}
		}
		if (proxy == null) {
			Enhancer.registerCallbacks(proxyType, callbacks);
			try {
				proxy = proxyType.getDeclaredConstructor().newInstance();
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException("Cannot create a tracking proxy of " + type.getName(), ex);
			}
			finally {
				Enhancer.registerCallbacks(proxyType, null);
			}
		}
		((Factory) proxy).setCallbacks(callbacks);
		copyState(target, proxy);
		return (TaskScheduler) proxy;
	}

	/**
	 * Give the proxy the bean's state, field for field: a {@code final} method cannot be handed
	 * to the bean and runs on the proxy, which without it would answer from empty fields (a
	 * {@code SimpleAsyncTaskScheduler}'s {@code getConcurrencyLimit} would throw a
	 * {@code NullPointerException}). The objects are the bean's own, so a getter of one
	 * answers as the bean's does; a field the bean later sets anew is not seen. A
	 * {@code final} field is written only before Java 26, which warns of such writes (JEP 500)
	 * and will refuse them: from it, a getter that reads one throws as before.
	 */
	private static void copyState(Object target, Object proxy) {
		for (Class<?> type = target.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
			for (Field field : type.getDeclaredFields()) {
				int modifiers = field.getModifiers();
				if (Modifier.isStatic(modifiers) || (Modifier.isFinal(modifiers) && !WRITES_FINAL_FIELDS)) {
					continue;
				}
				try {
					field.setAccessible(true);
					field.set(proxy, field.get(target));
				}
				catch (RuntimeException | IllegalAccessException ex) {
					// A class of a module that does not open its package: that field stays empty.
				}
			}
		}
	}

	/**
	 * Whether a bean is such a proxy.
	 * @param bean a bean
	 * @return {@code true} if the bean tracks its tasks through this proxy
	 */
	static boolean isProxy(Object bean) {
		return bean instanceof Factory factory && factory.getCallbacks().length == CALLABLE + 1
				&& factory.getCallback(FIRST_KIND) instanceof TrackedCall;
	}

	private static Class<?>[] callbackTypes() {
		Class<?>[] types = new Class<?>[CALLABLE + 1];
		types[DISPATCH] = Dispatcher.class;
		types[OWN] = NoOp.class;
		types[IDENTITY] = MethodInterceptor.class;
		types[TARGET_CLASS] = FixedValue.class;
		types[REFLECTIVE] = MethodInterceptor.class;
		for (int i = 0; i < KINDS.length; i++) {
			types[FIRST_KIND + i] = MethodInterceptor.class;
		}
		types[CALLABLE] = MethodInterceptor.class;
		return types;
	}

	private static Callback[] callbacks(TaskScheduler target, Class<?> type, TaskSchedulerTracking tracking) {
		Callback[] callbacks = new Callback[CALLABLE + 1];
		callbacks[DISPATCH] = (Dispatcher) () -> target;
		callbacks[OWN] = NoOp.INSTANCE;
		callbacks[IDENTITY] = new Identity();
		callbacks[TARGET_CLASS] = (FixedValue) () -> type;
		callbacks[REFLECTIVE] = new Reflective(target);
		for (int i = 0; i < KINDS.length; i++) {
			callbacks[FIRST_KIND + i] = new TrackedCall(target, KINDS[i], false, tracking);
		}
		callbacks[CALLABLE] = new TrackedCall(target, TaskKind.ONCE, true, tracking);
		return callbacks;
	}

	/**
	 * Chooses each method's callback once, when the proxy class is generated. One instance
	 * for all proxy classes, so that CGLIB's class cache holds one class per bean class.
	 */
	private enum MethodRouting implements CallbackFilter {

		INSTANCE;

		@Override
		public int accept(Method method) {
			if (method.getDeclaringClass() == TargetClassAware.class) {
				return TARGET_CLASS;
			}
			if (method.getDeclaringClass() == Object.class && !Modifier.isPublic(method.getModifiers())) {
				// finalize and clone: the proxy's own, never the bean's.
				return OWN;
			}
			if (!Modifier.isPublic(method.getModifiers())) {
				return REFLECTIVE;
			}
			if (isEquals(method) || isHashCode(method)) {
				return IDENTITY;
			}
			TaskKind kind = TaskSchedulerTracking.kindOf(method);
			if (kind == null) {
				return DISPATCH;
			}
			return TaskSchedulerTracking.takesCallable(method) ? CALLABLE : FIRST_KIND + kind.ordinal();
		}

		private static boolean isEquals(Method method) {
			return method.getName().equals("equals") && method.getParameterCount() == 1
					&& method.getParameterTypes()[0] == Object.class;
		}

		private static boolean isHashCode(Method method) {
			return method.getName().equals("hashCode") && method.getParameterCount() == 0;
		}

	}

	/**
	 * A proxy is equal only to itself, as the bean it stands for is one object.
	 */
	private static final class Identity implements MethodInterceptor {

		@Override
		public Object intercept(Object proxy, Method method, @Nullable Object[] arguments, MethodProxy methodProxy) {
			return (arguments.length == 1) ? proxy == arguments[0] : System.identityHashCode(proxy);
		}

	}

	/**
	 * A protected or package-private method, called on the bean: the proxy's own fields were
	 * never initialised. CGLIB's dispatcher could not reach such a method of another package's
	 * class on another object, so it goes through reflection, as Spring AOP's proxies do.
	 */
	private static final class Reflective implements MethodInterceptor {

		private final Object target;

		Reflective(Object target) {
			this.target = target;
		}

		@Override
		public @Nullable Object intercept(Object proxy, Method method, @Nullable Object[] arguments,
				MethodProxy methodProxy) throws Throwable {
			ReflectionUtils.makeAccessible(method);
			try {
				return method.invoke(this.target, arguments);
			}
			catch (InvocationTargetException ex) {
				throw ex.getTargetException();
			}
		}

	}

	/**
	 * The callback of one kind of scheduling method.
	 */
	private static final class TrackedCall
			implements MethodInterceptor, TaskAdmission.Submission<MethodProxy, @Nullable Object[]> {

		private final TaskScheduler target;

		private final TaskKind kind;

		private final boolean callable;

		private final TaskSchedulerTracking tracking;

		TrackedCall(TaskScheduler target, TaskKind kind, boolean callable, TaskSchedulerTracking tracking) {
			this.target = target;
			this.kind = kind;
			this.callable = callable;
			this.tracking = tracking;
		}

		@Override
		public @Nullable Object intercept(Object proxy, Method method, @Nullable Object[] arguments,
				MethodProxy methodProxy) throws Throwable {
			return this.tracking.schedule(this.kind, this.callable, arguments, this.target, this, methodProxy);
		}

		@Override
		public @Nullable Object submit(MethodProxy methodProxy, @Nullable Object[] arguments) throws Throwable {
			return methodProxy.invoke(this.target, arguments);
		}

	}

}
