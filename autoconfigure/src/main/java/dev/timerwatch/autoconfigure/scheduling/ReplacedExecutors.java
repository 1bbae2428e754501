package dev.timerwatch.autoconfigure.scheduling;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import dev.timerwatch.scheduling.TrackingScheduledThreadPoolExecutor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.util.StringUtils;

/**
 * The {@link ScheduledThreadPoolExecutor} beans replaced by their tracking copies, each with its
 * copy and what Spring will do to it when it destroys the bean, so that the copy gets the same.
 * Spring destroys a bean through the instance it created, here the original, which the
 * application never used, not through the object the post-processors returned: without this,
 * the context's close would shut down the original and leave the copy running, its threads
 * (not daemons, by default) keeping the JVM alive.
 *
 * <p>The originals are held by identity and weakly. Spring destroys singletons and beans of a
 * scope that takes destruction callbacks (request, session, a refresh scope), and holds each
 * such original until it does, which then takes its entry out. It never destroys a prototype,
 * nor a bean of a scope without callbacks, and keeps no reference to one: its entry goes once
 * the original is unreachable, so that a prototype executor got again and again does not grow
 * this map. Keeping singletons only would bound it too, but would leave running the copies of
 * the scoped beans Spring does destroy, one more on each refresh.
 */
final class ReplacedExecutors {

	private static final Log logger = LogFactory.getLog(ReplacedExecutors.class);

	private static final String DESTROY_METHOD_NAME = "destroy";

	private static final String CLOSE_METHOD_NAME = "close";

	private static final String SHUTDOWN_METHOD_NAME = "shutdown";

	private final ReferenceQueue<Object> cleared = new ReferenceQueue<>();

	private final Map<Original, Replacement> replacements = new HashMap<>();

	/**
	 * Remember an original and its copy, and what Spring is to do to the original when it
	 * destroys the bean.
	 * @param original the executor Spring created, which it will destroy
	 * @param copy the tracking copy that replaced it
	 * @param definition the bean's merged definition, or {@code null} if unknown (an inner
	 * bean): Spring's destroy method inference then
	 */
	void add(ScheduledThreadPoolExecutor original, TrackingScheduledThreadPoolExecutor copy,
			@Nullable RootBeanDefinition definition) {
		Destruction destruction;
		try {
			destruction = Destruction.of(original, definition);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read the destroy methods of the definition of an executor bean; "
					+ "its tracking copy gets Spring's inferred destroy method", ex);
			destruction = Destruction.of(original, null);
		}
		synchronized (this.replacements) {
			expungeCleared();
			this.replacements.put(new Original(original, this.cleared), new Replacement(copy, destruction));
		}
	}

	/**
	 * Whether the given bean is an original that a copy replaced and that Spring has not
	 * destroyed yet.
	 * @param bean a bean Spring is to destroy
	 * @return whether its copy is to be destroyed with it
	 */
	boolean contains(Object bean) {
		// Only that exact class is ever replaced: a quick answer for every other bean.
		if (bean.getClass() != ScheduledThreadPoolExecutor.class) {
			return false;
		}
		synchronized (this.replacements) {
			expungeCleared();
			return this.replacements.containsKey(new Original(bean, null));
		}
	}

	/**
	 * Do to the copy of the given original what Spring is about to do to the original. A
	 * failure is logged as Spring logs a failing destroy method, and never thrown: the context
	 * goes on closing.
	 * @param bean the bean Spring is destroying
	 * @param beanName its name
	 */
	void destroy(Object bean, String beanName) {
		try {
			Replacement replacement;
			synchronized (this.replacements) {
				expungeCleared();
				replacement = this.replacements.remove(new Original(bean, null));
			}
			if (replacement != null) {
				replacement.destruction().applyTo(replacement.copy(), beanName);
			}
		}
		catch (Throwable ex) {
			logger.warn("Could not destroy the tracking copy of bean '" + beanName + "'", ex);
		}
	}

	/**
	 * How many originals are remembered.
	 * @return the number of originals still reachable and not destroyed
	 */
	int size() {
		synchronized (this.replacements) {
			expungeCleared();
			return this.replacements.size();
		}
	}

	private void expungeCleared() {
		Reference<?> original;
		while ((original = this.cleared.poll()) != null) {
			this.replacements.remove(original);
		}
	}

	private record Replacement(TrackingScheduledThreadPoolExecutor copy, Destruction destruction) {
	}

	/**
	 * An original, weakly, equal to another for the same object only.
	 */
	private static final class Original extends WeakReference<Object> {

		private final int hash;

		Original(Object original, @Nullable ReferenceQueue<Object> queue) {
			super(original, queue);
			this.hash = System.identityHashCode(original);
		}

		@Override
		public boolean equals(@Nullable Object other) {
			if (this == other) {
				return true;
			}
			if (!(other instanceof Original that)) {
				return false;
			}
			Object original = get();
			return original != null && original == that.get();
		}

		@Override
		public int hashCode() {
			return this.hash;
		}

	}

	/**
	 * What Spring's {@code DisposableBeanAdapter} does to a bean it destroys, decided as it
	 * decides it (Spring Framework 7.0) from the original and its merged bean definition: its
	 * {@code DisposableBean#destroy()}, then either its {@code AutoCloseable#close()} or its
	 * destroy methods by name. Applied to the copy, which is a subclass of the original's class.
	 */
	record Destruction(boolean disposableBean, boolean autoCloseable, List<String> methodNames) {

		static Destruction of(ScheduledThreadPoolExecutor original, @Nullable RootBeanDefinition definition) {
			boolean disposableBean = (original instanceof DisposableBean)
					&& !externallyManaged(definition, DESTROY_METHOD_NAME);
			String[] names = destroyMethodNames(original.getClass(), definition);
			if (names.length == 0 || (disposableBean && DESTROY_METHOD_NAME.equals(names[0]))
					|| externallyManaged(definition, names[0])) {
				return new Destruction(disposableBean, false, List.of());
			}
			if (original instanceof AutoCloseable && CLOSE_METHOD_NAME.equals(names[0])) {
				return new Destruction(disposableBean, true, List.of());
			}
			return new Destruction(disposableBean, false, List.of(names));
		}

		// Spring's inference, for an ExecutorService: none given (null) or "(inferred)" mean
		// shutdown, or close where the class declares its own; an empty name means none.
		private static String[] destroyMethodNames(Class<?> type, @Nullable RootBeanDefinition definition) {
			String[] names = (definition != null) ? definition.getDestroyMethodNames() : null;
			if (names != null && names.length > 1) {
				return names;
			}
			String name = (definition != null) ? definition.getDestroyMethodName() : AbstractBeanDefinition.INFER_METHOD;
			if (name == null || AbstractBeanDefinition.INFER_METHOD.equals(name)) {
				name = null;
				if (!DisposableBean.class.isAssignableFrom(type) && ExecutorService.class.isAssignableFrom(type)) {
					name = SHUTDOWN_METHOD_NAME;
					try {
						if (type.getMethod(CLOSE_METHOD_NAME).getDeclaringClass() != ExecutorService.class) {
							name = CLOSE_METHOD_NAME;
						}
					}
					catch (NoSuchMethodException ex) {
						// No close before Java 19: shutdown.
					}
				}
			}
			return StringUtils.hasLength(name) ? new String[] { name } : new String[0];
		}

		// A destroy method that another post-processor calls (a @PreDestroy method), by its
		// name or as a qualified one.
		private static boolean externallyManaged(@Nullable RootBeanDefinition definition, String methodName) {
			if (definition == null) {
				return false;
			}
			Set<String> managed = definition.getExternallyManagedDestroyMethods();
			for (String candidate : managed) {
				int dot = candidate.lastIndexOf('.');
				if (candidate.equals(methodName) || (dot > 0 && candidate.substring(dot + 1).equals(methodName))) {
					return true;
				}
			}
			return false;
		}

		void applyTo(Object copy, String beanName) {
			if (this.disposableBean && copy instanceof DisposableBean disposable) {
				try {
					disposable.destroy();
				}
				catch (Throwable ex) {
					warn("Invocation of destroy method failed on the tracking copy of bean '" + beanName + "'", ex);
				}
			}
			if (this.autoCloseable && copy instanceof AutoCloseable closeable) {
				try {
					closeable.close();
				}
				catch (Throwable ex) {
					warn("Invocation of close method failed on the tracking copy of bean '" + beanName + "'", ex);
				}
				return;
			}
			for (String name : this.methodNames) {
				invoke(copy, name, beanName);
			}
		}

		private static void invoke(Object copy, String name, String beanName) {
			// A name may be qualified by the class declaring the method.
			String methodName = name.substring(name.lastIndexOf('.') + 1);
			Method method = publicDestroyMethod(copy.getClass(), methodName);
			if (method == null) {
				logger.warn("Could not find a public destroy method '" + name + "' on the tracking copy of bean '"
						+ beanName + "', which is left as it is");
				return;
			}
			try {
				method.invoke(copy, (method.getParameterCount() == 1) ? new Object[] { Boolean.TRUE } : new Object[0]);
			}
			catch (InvocationTargetException ex) {
				warn("Custom destroy method '" + methodName + "' on the tracking copy of bean '" + beanName
						+ "' threw an exception", ex.getTargetException());
			}
			catch (Throwable ex) {
				logger.warn("Failed to invoke custom destroy method '" + methodName + "' on the tracking copy of bean '"
						+ beanName + "'", ex);
			}
		}

		// No arguments, or one boolean, which Spring passes as true.
		private static @Nullable Method publicDestroyMethod(Class<?> type, String methodName) {
			try {
				return type.getMethod(methodName);
			}
			catch (NoSuchMethodException ex) {
				try {
					return type.getMethod(methodName, boolean.class);
				}
				catch (NoSuchMethodException ex2) {
					return null;
				}
			}
		}

		// As Spring logs a failing destroy method: the stack trace at debug level only.
		private static void warn(String message, Throwable ex) {
			if (logger.isDebugEnabled()) {
				logger.warn(message, ex);
			}
			else {
				logger.warn(message + ": " + ex);
			}
		}

	}

}
