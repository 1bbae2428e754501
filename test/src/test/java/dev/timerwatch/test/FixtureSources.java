package dev.timerwatch.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds the lines the fixtures mark with {@code // leak: ...}, so that the expected origins
 * follow the source as it is edited.
 */
final class FixtureSources {

	private FixtureSources() {
	}

	/**
	 * The origin of a marked line, as timerwatch names it.
	 * @param type the fixture class
	 * @param method the method the line is in
	 * @param marker the marker's text after {@code // leak: }
	 * @return {@code com.example.Type.method(Type.java:42)}
	 */
	static String origin(Class<?> type, String method, String marker) {
		Path source = Path.of("src/test/java", type.getName().replace('.', '/') + ".java");
		try {
			List<String> lines = Files.readAllLines(source);
			for (int i = 0; i < lines.size(); i++) {
				if (lines.get(i).endsWith("// leak: " + marker)) {
					return type.getName() + "." + method + "(" + type.getSimpleName() + ".java:" + (i + 1) + ")";
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		throw new IllegalStateException("No line marked '// leak: " + marker + "' in " + source);
	}

}
