package io.berth.node.pods;

import java.nio.file.Path;

/**
 * Where container logs live, as the kubelet lays them out: {@code <stateDir>/pods/<ns>_<name>_<uid>/<container>/<run>.log},
 * one file per run, so {@code --previous} reads the run before and a restarted agent finds every file again.
 */
public final class LogPaths {

    private final Path podsDir;

    public LogPaths(Path stateDir) {
        this.podsDir = stateDir.resolve("pods");
    }

    public Path podDir(String namespace, String name, String uid) {
        return podsDir.resolve(namespace + "_" + name + "_" + uid);
    }

    public Path log(String namespace, String name, String uid, String container, int run) {
        return podDir(namespace, name, uid).resolve(container).resolve(run + ".log");
    }

    public Path podsDir() {
        return podsDir;
    }
}
