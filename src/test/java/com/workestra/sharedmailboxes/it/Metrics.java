package com.workestra.sharedmailboxes.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the service's {@code /metrics} (Prometheus text) says, read the way an operator's scraper reads it. */
public final class Metrics {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+\\d+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final String text;
    private final List<Sample> samples;

    private Metrics(String text, List<Sample> samples) {
        this.text = text;
        this.samples = samples;
    }

    /** The application's metrics as the service exposes them now. */
    public static Metrics of(ApiClient anonymous) {
        ApiClient.Reply reply = anonymous.send(anonymous.request("/metrics?scope=application").header("Accept", "text/plain").GET());
        if (reply.status() != 200) {
            throw new AssertionError("/metrics answered " + reply);
        }
        return parse(reply.body());
    }

    public static Metrics parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line.trim());
            if (!sample.matches()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (sample.group(3) != null) {
                Matcher label = LABEL.matcher(sample.group(3));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            double value;
            try {
                value = Double.parseDouble(sample.group(4));
            } catch (NumberFormatException e) {
                continue;
            }
            samples.add(new Sample(sample.group(1), labels, value));
        }
        return new Metrics(text, samples);
    }

    /** The sum of the samples with this exact name whose labels include {@code labels} (0 when there is none). */
    public double value(String name, Map<String, String> labels) {
        return samples.stream()
                .filter(sample -> sample.name().equals(name) && sample.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(Sample::value).sum();
    }

    public double value(String name) {
        return value(name, Map.of());
    }

    /** Whether a sample of this name (with these labels) is exposed at all. */
    public boolean has(String name, Map<String, String> labels) {
        return samples.stream()
                .anyMatch(sample -> sample.name().equals(name) && sample.labels().entrySet().containsAll(labels.entrySet()));
    }

    /** Whether the family is exposed: a sample named {@code family} or {@code family_<suffix>} (a timer's count, sum...). */
    public boolean hasFamily(String family) {
        return samples.stream().anyMatch(sample -> sample.name().equals(family) || sample.name().startsWith(family + "_"));
    }

    @Override
    public String toString() {
        return text;
    }
}
