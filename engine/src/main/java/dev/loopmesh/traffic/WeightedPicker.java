package dev.loopmesh.traffic;

import dev.loopmesh.topology.TrafficClientSpec.Weighted;

import java.util.List;
import java.util.random.RandomGenerator;

/** Picks a value by relative weight (weights need not sum to 1; when all are 0, the first value wins). */
public final class WeightedPicker {
    private final String[] values;
    private final double[] cumulative;
    private final double total;

    public WeightedPicker(List<Weighted> choices) {
        if (choices.isEmpty()) {
            throw new IllegalArgumentException("choices: empty (expected: at least one value)");
        }
        values = new String[choices.size()];
        cumulative = new double[choices.size()];
        double sum = 0;
        for (int i = 0; i < choices.size(); i++) {
            values[i] = choices.get(i).value();
            sum += choices.get(i).weight();
            cumulative[i] = sum;
        }
        total = sum;
    }

    public String pick(RandomGenerator random) {
        if (values.length == 1 || total <= 0) {
            return values[0];
        }
        double x = random.nextDouble() * total;
        for (int i = 0; i < cumulative.length; i++) {
            if (x < cumulative[i]) {
                return values[i];
            }
        }
        return values[values.length - 1];
    }
}
