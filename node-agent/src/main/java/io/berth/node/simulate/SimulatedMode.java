package io.berth.node.simulate;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Whether this agent runs in simulated mode ({@code berth.node.simulate.count > 0}): it then stands in for that many
 * simulated nodes and must not register, heartbeat or run pods as a real node. The two modes are exclusive, so the
 * real node's wiring is annotated {@code @Conditional(SimulatedMode.Off.class)} and the simulator's
 * {@code @Conditional(SimulatedMode.On.class)}; code outside Spring asks {@link #enabled(Environment)}.
 */
public final class SimulatedMode {

    /** The property that turns simulated mode on: how many nodes to simulate. */
    public static final String COUNT_PROPERTY = "berth.node.simulate.count";

    private SimulatedMode() {
    }

    /** True when {@code berth.node.simulate.count} is set above 0; an unparsable value fails, as binding would. */
    public static boolean enabled(Environment environment) {
        Integer count = environment.getProperty(COUNT_PROPERTY, Integer.class);
        return count != null && count > 0;
    }

    /** Matches in simulated mode: for the simulator's beans. */
    public static final class On implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return enabled(context.getEnvironment());
        }
    }

    /** Matches unless in simulated mode: for the real node's beans (registration, heartbeats, pod workers). */
    public static final class Off implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !enabled(context.getEnvironment());
        }
    }
}
