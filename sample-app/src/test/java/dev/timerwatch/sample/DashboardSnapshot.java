package dev.timerwatch.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the Grafana dashboard's panels as one static HTML page, each series an inline SVG
 * line, from the answers of a real Prometheus to the dashboard's own queries: what the
 * README's picture of the dashboard is made from, where Grafana itself is not at hand.
 */
final class DashboardSnapshot {

	private static final String[] COLOURS = { "#7eb26d", "#eab839", "#6ed0e0", "#ef843c", "#e24d42", "#1f78c1",
			"#ba43a9", "#705da0" };

	private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*(\\w+)\\s*\\}\\}");

	private static final int WIDTH = 520;

	private static final int HEIGHT = 170;

	private DashboardSnapshot() {
	}

	@SuppressWarnings("unchecked")
	static void write(Map<String, Object> dashboard, PrometheusServer prometheus, UnaryOperator<String> variables,
			long start, long end, Path output) throws IOException {
		StringBuilder html = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
			.append(escape((String) dashboard.get("title")))
			.append("</title><style>body{background:#111217;color:#ccccdc;font:12px sans-serif;margin:12px}"
					+ "h1{font-size:16px;margin:0 0 10px}.grid{display:flex;flex-wrap:wrap;gap:10px}"
					+ ".panel{background:#181b1f;border:1px solid #2c3235;padding:8px;width:" + (WIDTH + 170) + "px}"
					+ "h2{font-size:13px;margin:0 0 6px}.legend{font-size:10px;margin-top:4px}"
					+ ".legend span{display:inline-block;margin-right:10px}table{border-collapse:collapse;font-size:11px}"
					+ "td,th{border-bottom:1px solid #2c3235;padding:3px 6px;text-align:left}</style></head><body><h1>")
			.append(escape((String) dashboard.get("title")))
			.append("</h1><div class=\"grid\">");
		for (Map<String, Object> panel : (List<Map<String, Object>>) dashboard.get("panels")) {
			html.append("<div class=\"panel\"><h2>").append(escape((String) panel.get("title"))).append("</h2>");
			List<Map<String, Object>> targets = (List<Map<String, Object>>) panel.get("targets");
			if ("table".equals(panel.get("type"))) {
				table(html, prometheus.query(variables.apply((String) targets.get(0).get("expr"))));
			}
			else {
				chart(html, prometheus, targets, variables, start, end);
			}
			html.append("</div>");
		}
		html.append("</div></body></html>\n");
		Files.createDirectories(output.getParent());
		Files.writeString(output, html);
	}

	@SuppressWarnings("unchecked")
	private static void chart(StringBuilder html, PrometheusServer prometheus, List<Map<String, Object>> targets,
			UnaryOperator<String> variables, long start, long end) {
		StringBuilder lines = new StringBuilder();
		StringBuilder legend = new StringBuilder();
		double max = 0;
		double min = 0;
		List<List<Map<String, Object>>> answers = targets.stream()
			.map((target) -> prometheus.queryRange(variables.apply((String) target.get("expr")), start, end, 1))
			.toList();
		for (List<Map<String, Object>> series : answers) {
			for (Map<String, Object> one : series) {
				for (List<Object> point : (List<List<Object>>) one.get("values")) {
					double value = Double.parseDouble((String) point.get(1));
					if (Double.isFinite(value)) {
						max = Math.max(max, value);
						min = Math.min(min, value);
					}
				}
			}
		}
		double range = (max > min) ? max - min : 1;
		int colour = 0;
		for (int t = 0; t < targets.size(); t++) {
			String legendFormat = (String) targets.get(t).get("legendFormat");
			for (Map<String, Object> one : answers.get(t)) {
				String stroke = COLOURS[colour++ % COLOURS.length];
				StringBuilder points = new StringBuilder();
				for (List<Object> point : (List<List<Object>>) one.get("values")) {
					double value = Double.parseDouble((String) point.get(1));
					if (!Double.isFinite(value)) {
						continue;
					}
					double x = (((Number) point.get(0)).doubleValue() - start) / Math.max(1, end - start) * WIDTH;
					double y = HEIGHT - (value - min) / range * (HEIGHT - 10);
					points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
				}
				lines.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"")
					.append(stroke)
					.append("\" points=\"")
					.append(points)
					.append("\"/>");
				legend.append("<span style=\"color:")
					.append(stroke)
					.append("\">&#9632; ")
					.append(escape(legend(legendFormat, (Map<String, String>) one.get("metric"))))
					.append("</span>");
			}
		}
		html.append(String.format(Locale.ROOT,
				"<svg width=\"%d\" height=\"%d\" style=\"background:#111217\"><text x=\"2\" y=\"10\" fill=\"#8e8e8e\" "
						+ "font-size=\"10\">%s</text><text x=\"2\" y=\"%d\" fill=\"#8e8e8e\" font-size=\"10\">%s</text>"
						+ "%s</svg><div class=\"legend\">%s</div>",
				WIDTH, HEIGHT, figure(max), HEIGHT - 2, figure(min), lines, legend));
	}

	@SuppressWarnings("unchecked")
	private static void table(StringBuilder html, List<Map<String, Object>> rows) {
		html.append("<table><tr><th>origin</th><th>scheduler</th><th>instance</th><th>state</th></tr>");
		for (Map<String, Object> row : rows) {
			Map<String, String> labels = (Map<String, String>) row.get("metric");
			html.append("<tr><td>")
				.append(escape(labels.getOrDefault("origin", "")))
				.append("</td><td>")
				.append(escape(labels.getOrDefault("scheduler", "")))
				.append("</td><td>")
				.append(escape(labels.getOrDefault("instance", "")))
				.append("</td><td>")
				.append(escape(labels.getOrDefault("alertstate", "")))
				.append("</td></tr>");
		}
		html.append("</table>");
	}

	private static String legend(String format, Map<String, String> labels) {
		Matcher matcher = LEGEND_LABEL.matcher((format != null) ? format : "");
		StringBuilder text = new StringBuilder();
		while (matcher.find()) {
			matcher.appendReplacement(text, Matcher.quoteReplacement(labels.getOrDefault(matcher.group(1), "")));
		}
		matcher.appendTail(text);
		return text.toString().replace("dev.timerwatch.sample.scenario.", "");
	}

	private static String figure(double value) {
		return (Math.abs(value) < 1 && value != 0) ? String.format(Locale.ROOT, "%.4f", value)
				: String.format(Locale.ROOT, "%,.0f", value);
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}

}
