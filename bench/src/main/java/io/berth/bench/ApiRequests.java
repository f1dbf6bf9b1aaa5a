package io.berth.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The api-services' {@code apiserver_request_total} counters, read from their Actuator endpoints and summed by verb,
 * resource and subresource: two readings tell what a benchmark's window asked of the API.
 */
record ApiRequests(Map<String, Double> counts) {

    private static final Pattern LINE = Pattern.compile("^apiserver_request_total\\{([^}]*)} ([0-9.Ee+-]+)$");
    private static final Pattern TAG = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    /** The sum over {@code managementUrls}; replicas that do not answer count as none. */
    static ApiRequests read(List<String> managementUrls) {
        Map<String, Double> counts = new TreeMap<>();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (String base : managementUrls) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    parse(r.body(), counts);
                }
            } catch (IOException e) {
                // a replica that does not answer adds nothing
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new ApiRequests(counts);
    }

    static void parse(String exposition, Map<String, Double> into) {
        for (String line : exposition.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            Map<String, String> tags = new TreeMap<>();
            Matcher t = TAG.matcher(m.group(1));
            while (t.find()) {
                tags.put(t.group(1), t.group(2));
            }
            String resource = tags.getOrDefault("resource", "");
            String sub = tags.getOrDefault("subresource", "");
            String key = tags.getOrDefault("verb", "?") + " " + (resource.isEmpty() ? "(non-resource)" : resource)
                    + (sub.isEmpty() ? "" : "/" + sub);
            into.merge(key, Double.parseDouble(m.group(2)), Double::sum);
        }
    }

    /** What was asked between {@code earlier} and this reading. */
    ApiRequests since(ApiRequests earlier) {
        Map<String, Double> delta = new TreeMap<>();
        counts.forEach((k, v) -> {
            double d = v - earlier.counts.getOrDefault(k, 0.0);
            if (d > 0) {
                delta.put(k, d);
            }
        });
        return new ApiRequests(delta);
    }

    /** "n requests per pod: 2.0 POST pods, 1.0 PUT pods/status, ..." by count, largest first. */
    List<String> describePer(int units, String unit) {
        List<String> lines = new ArrayList<>();
        double total = counts.values().stream().mapToDouble(Double::doubleValue).sum();
        lines.add(String.format(Locale.ROOT, "api-service requests: %.0f in all, %.1f per %s", total,
                units == 0 ? 0 : total / units, unit));
        counts.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> lines.add(String.format(Locale.ROOT, "  %6.2f per %s  %s", units == 0 ? 0
                        : e.getValue() / units, unit, e.getKey())));
        return lines;
    }
}
