package io.berth.controller.runtime;

import io.berth.controller.config.ControllerProperties;

/**
 * A {@link ControllerDefinition} with Kubernetes' name for it and its worker count: {@code
 * berth.controller.workers.<name>} when configured, else the controller's default (Kubernetes'
 * {@code --concurrent-*-syncs}).
 */
public abstract class ConfiguredController implements ControllerDefinition {

    private final String name;
    private final int workers;

    protected ConfiguredController(String name, ControllerProperties props, int defaultWorkers) {
        this.name = name;
        this.workers = props.workers(name, defaultWorkers);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int workers() {
        return workers;
    }
}
